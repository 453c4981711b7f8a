/* Back-off between failures: 1 s doubling to 60 s, each wait stretched by
 * a random 0-25 % so that the 50 hosts an LDAP restart disconnects at the
 * same moment do not all come back in the same second. */
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "sync.h"

#define BACKOFF_MIN_MS 1000u
#define BACKOFF_MAX_MS 60000u

void hs_backoff_reset(struct hs_backoff *b)
{
	unsigned seed;

	b->cur_ms = BACKOFF_MIN_MS;
	if (!b->seed) {
		if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) !=
		    (ssize_t)sizeof(seed))
			seed = (unsigned)time(NULL) ^ (unsigned)getpid() << 16;
		b->seed = seed | 1u;
	}
}

unsigned hs_backoff_next(struct hs_backoff *b)
{
	unsigned base = b->cur_ms ? b->cur_ms : BACKOFF_MIN_MS;
	unsigned wait = base + (unsigned)rand_r(&b->seed) % (base / 4 + 1);

	if (wait > BACKOFF_MAX_MS)
		wait = BACKOFF_MAX_MS;
	b->cur_ms = base >= BACKOFF_MAX_MS / 2 ? BACKOFF_MAX_MS : base * 2;
	return wait;
}
