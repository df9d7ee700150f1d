/* AES DUKPT (ANSI X9.24-3:2017) AES-128 PIN working keys from an AES-128 BDK, one KSN at a time, on
 * OpenSSL's EVP AES-128-ECB (AES-NI where the CPU has it): the C per-key loop benchmarks/rows/batch.py
 * compares pinsec's vectorised engine with.
 *
 *   dukpt_aes_loop BDK_HEX < ksns.bin > keys.bin      (12 bytes per KSN in, 16 bytes per key out)
 *
 * Every derivation step keys the cipher context with the lane's current key (as any per-key implementation
 * must). The loop's rate goes to stderr as "rate N". */
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void aes(EVP_CIPHER_CTX *ctx, const uint8_t key[16], const uint8_t in[16], uint8_t out[16]) {
    int n = 0;
    EVP_EncryptInit_ex(ctx, NULL, NULL, key, NULL);
    EVP_EncryptUpdate(ctx, out, &n, in, 16);
}

/* X9.24-3 derivation data for an AES-128 key: 01 01, usage, algorithm 0002, length 0080, then 8 bytes. */
static void data_block(uint8_t out[16], uint16_t usage, const uint8_t context[8]) {
    out[0] = 1; out[1] = 1;
    out[2] = (uint8_t)(usage >> 8); out[3] = (uint8_t)usage;
    out[4] = 0; out[5] = 2; out[6] = 0; out[7] = 0x80;
    memcpy(out + 8, context, 8);
}

int main(int argc, char **argv) {
    uint8_t bdk[16];
    if (argc != 2 || strlen(argv[1]) != 32) { fprintf(stderr, "usage: %s BDK_HEX\n", argv[0]); return 2; }
    for (int i = 0; i < 16; i++) { unsigned v; sscanf(argv[1] + 2 * i, "%2x", &v); bdk[i] = (uint8_t)v; }
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new(), *bdk_ctx = EVP_CIPHER_CTX_new();
    EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, bdk, NULL);
    EVP_CIPHER_CTX_set_padding(ctx, 0);
    EVP_EncryptInit_ex(bdk_ctx, EVP_aes_128_ecb(), NULL, bdk, NULL);
    EVP_CIPHER_CTX_set_padding(bdk_ctx, 0);

    size_t cap = 1 << 16, n = 0;
    uint8_t *ksns = malloc(cap * 12);
    while (ksns && fread(ksns + n * 12, 12, 1, stdin) == 1) {
        if (++n == cap) { cap *= 2; ksns = realloc(ksns, cap * 12); }
    }
    uint8_t *keys = malloc(n * 16 + 1);
    if (!ksns || !keys) return 1;

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t j = 0; j < n; j++) {
        const uint8_t *ksn = ksns + 12 * j;
        uint32_t counter = ((uint32_t)ksn[8] << 24) | ((uint32_t)ksn[9] << 16) | ((uint32_t)ksn[10] << 8) | ksn[11];
        uint8_t block[16], key[16], context[8];
        int len = 0;
        data_block(block, 0x8001, ksn);                     /* the initial key, under the BDK */
        EVP_EncryptUpdate(bdk_ctx, key, &len, block, 16);
        memcpy(context, ksn + 4, 4);
        uint32_t working = 0;
        for (uint32_t bit = 0x80000000u; bit; bit >>= 1) {  /* intermediate keys, one per one-bit */
            if (!(counter & bit)) continue;
            working |= bit;
            context[4] = (uint8_t)(working >> 24); context[5] = (uint8_t)(working >> 16);
            context[6] = (uint8_t)(working >> 8); context[7] = (uint8_t)working;
            data_block(block, 0x8000, context);
            aes(ctx, key, block, key);
        }
        data_block(block, 0x1000, context);                 /* the PIN encryption key, AES-128 */
        aes(ctx, key, block, keys + 16 * j);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    fwrite(keys, 16, n, stdout);
    fprintf(stderr, "rate %.0f\n", n / s);
    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_CTX_free(bdk_ctx);
    return 0;
}
