/* The project's version, from one place: the VERSION file at the top of
 * the tree, which the Makefile writes into $(BUILD)/gen/hc_version.h
 * (debian/rules builds through the same Makefile, and the upstream part of
 * debian/changelog must equal VERSION). Every program's --version, the
 * daemon's start-up line and the man pages' .TH show this string. */
#ifndef HCOOP_VERSION_H
#define HCOOP_VERSION_H

#include "hc_version.h"

#ifndef HC_VERSION
#error "HC_VERSION: build through the Makefile (it generates hc_version.h)"
#endif

#endif
