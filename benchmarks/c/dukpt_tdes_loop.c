/* TDES DUKPT (ANSI X9.24-1:2009) PIN working keys, one KSN at a time, on OpenSSL's DES: the C per-key loop
 * that benchmarks/rows/batch.py compares pinsec's vectorised engine with.
 *
 *   dukpt_tdes_loop BDK_HEX < ksns.bin > keys.bin      (10 bytes per KSN in, 16 bytes per key out)
 *
 * The BDK's key schedules are set once; every non-reversible key generation step sets the schedules of the
 * lane's own key (as any per-key implementation must). The loop's rate goes to stderr as "rate N". */
#include <openssl/des.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void des(const uint8_t key[8], const uint8_t in[8], uint8_t out[8]) {
    DES_key_schedule ks;
    DES_set_key_unchecked((const_DES_cblock *)key, &ks);
    DES_ecb_encrypt((const_DES_cblock *)in, (DES_cblock *)out, &ks, DES_ENCRYPT);
}

/* X9.24-1 A.2: right half from the key's left half, left half from the key XOR C0C0C0C000000000... */
static void nrkgp(uint8_t key[16], const uint8_t data[8]) {
    static const uint8_t mask[8] = {0xC0, 0xC0, 0xC0, 0xC0, 0, 0, 0, 0};
    uint8_t left[8], right[8], block[8], new_left[8], new_right[8];
    memcpy(left, key, 8);
    memcpy(right, key + 8, 8);
    for (int i = 0; i < 8; i++) block[i] = data[i] ^ right[i];
    des(left, block, new_right);
    for (int i = 0; i < 8; i++) new_right[i] ^= right[i];
    for (int i = 0; i < 8; i++) { left[i] ^= mask[i]; right[i] ^= mask[i]; block[i] = data[i] ^ right[i]; }
    des(left, block, new_left);
    for (int i = 0; i < 8; i++) new_left[i] ^= right[i];
    memcpy(key, new_left, 8);
    memcpy(key + 8, new_right, 8);
}

int main(int argc, char **argv) {
    uint8_t bdk[16], masked[16];
    if (argc != 2 || strlen(argv[1]) != 32) { fprintf(stderr, "usage: %s BDK_HEX\n", argv[0]); return 2; }
    for (int i = 0; i < 16; i++) { unsigned v; sscanf(argv[1] + 2 * i, "%2x", &v); bdk[i] = (uint8_t)v; }
    for (int i = 0; i < 16; i++) masked[i] = bdk[i] ^ ((i % 8) < 4 ? 0xC0 : 0);
    DES_key_schedule k1, k2, m1, m2;
    DES_set_key_unchecked((const_DES_cblock *)bdk, &k1);
    DES_set_key_unchecked((const_DES_cblock *)(bdk + 8), &k2);
    DES_set_key_unchecked((const_DES_cblock *)masked, &m1);
    DES_set_key_unchecked((const_DES_cblock *)(masked + 8), &m2);

    size_t cap = 1 << 16, n = 0;
    uint8_t *ksns = malloc(cap * 10);
    while (ksns && fread(ksns + n * 10, 10, 1, stdin) == 1) {
        if (++n == cap) { cap *= 2; ksns = realloc(ksns, cap * 10); }
    }
    uint8_t *keys = malloc(n * 16 + 1);
    if (!ksns || !keys) return 1;

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t j = 0; j < n; j++) {
        const uint8_t *ksn = ksns + 10 * j;
        uint8_t reg[8], key[16];
        memcpy(reg, ksn + 2, 8);               /* the KSN's rightmost 64 bits */
        uint32_t counter = ((uint32_t)(reg[5] & 0x1F) << 16) | ((uint32_t)reg[6] << 8) | reg[7];
        uint8_t top[8];                        /* the KSN's leftmost 64 bits, counter cleared */
        memcpy(top, ksn, 8);
        top[7] &= 0xE0;
        DES_ecb3_encrypt((const_DES_cblock *)top, (DES_cblock *)key, &k1, &k2, &k1, DES_ENCRYPT);
        DES_ecb3_encrypt((const_DES_cblock *)top, (DES_cblock *)(key + 8), &m1, &m2, &m1, DES_ENCRYPT);
        reg[5] &= 0xE0; reg[6] = 0; reg[7] = 0;
        for (uint32_t bit = 1u << 20; bit; bit >>= 1) {
            if (!(counter & bit)) continue;
            reg[5] |= (uint8_t)(bit >> 16); reg[6] |= (uint8_t)(bit >> 8); reg[7] |= (uint8_t)bit;
            nrkgp(key, reg);
        }
        key[7] ^= 0xFF; key[15] ^= 0xFF;       /* the PIN variant */
        memcpy(keys + 16 * j, key, 16);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    fwrite(keys, 16, n, stdout);
    fprintf(stderr, "rate %.0f\n", n / s);
    return 0;
}
