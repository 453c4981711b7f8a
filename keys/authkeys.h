/* hcoop-authorized-keys internals (keys/). */
#ifndef HCOOP_AUTHKEYS_H
#define HCOOP_AUTHKEYS_H

#include <stdio.h>

/* exit codes, documented in hcoop-authorized-keys(8). sshd uses the
 * output only after exit status 0, so every failure denies key logins
 * through this command (password and other methods are unaffected). */
enum {
	AK_EXIT_OK = 0,    /* keys printed: none for an unknown user */
	AK_EXIT_FAIL = 1,  /* config, cache missing/corrupt/old, write error */
	AK_EXIT_USAGE = 2, /* bad arguments */
};

/* print.c: write user's keys from the cache at path to out, one line
 * each. Returns an AK_EXIT_* code (the reason logged). */
int ak_print_keys(const char *path, const char *user, FILE *out);

#endif
