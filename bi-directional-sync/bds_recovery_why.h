/* Why a sourced stream takes as long as it does to resume after its leafnode
 * link comes back, for the server version at hand: the catch-up, leaf-crash
 * and dropout sections put this beside their times. Decided by nx_version's
 * feature table only. */
#ifndef BDS_RECOVERY_WHY_H
#define BDS_RECOVERY_WHY_H

const char *bds_recovery_why(const char *version);

#endif
