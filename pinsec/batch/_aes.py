"""AES (FIPS 197) on bit planes: many lanes, each with its own key and block, in one pass.

A block is 128 planes (:mod:`pinsec.batch._planes`: byte ``b``'s bit 7 is row ``8 * b``), a key 128, 192
or 256. The S-box is computed, not looked up: a straight-line program of some 150 AND, XOR, OR and NOT gates
built from the tower field (:mod:`pinsec.batch._aes_sbox`), run on all sixteen bytes (and, for AES-128, the
key schedule's four) of all lanes at once. Lanes go through in blocks of :data:`BLOCK_WORDS` words (64 lanes
a word) whose rows all live in preallocated buffers, so a gate is one numpy call on data already in the
CPU's cache and a round allocates nothing. There is no table look-up and no branch on data.
``tests/test_batch_aes.py`` checks the S-box on all 256 inputs and every lane of AES against OpenSSL.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Final

import numpy as np

from ._aes_sbox import SBOX
from ._planes import Planes

#: Words (of 64 lanes) per block: the S-box's rows and scratch for 20 bytes of 256 words fit in a 2 MiB L2
#: cache (``benchmarks/compare.py batch`` measured 128, 256 and 512 on the reference machine).
BLOCK_WORDS: Final = 256

# _BYTES: operations on views that are not one contiguous run (a row of every bit, a key word) go through
# uint8 views of the same memory: numpy 2's strided loops for uint64 ran 3x slower than for uint8 on the
# reference machine (6.6 us against 2.1 us for 8 runs of 1,024 words), contiguous ones equally fast.
#: Inside, the state is row-major: entry 4r + c is row r, column c (byte 4c + r of the block), so that each
#: row of all columns is one contiguous run. ShiftRows: entry (r, c) of the new state is (r, (c + r) mod 4)
#: of the old (FIPS 197 5.1.2).
_SHIFT_ROWS: Final = np.array([4 * r + (c + r) % 4 for r in range(4) for c in range(4)], dtype=np.intp)
_RCON: Final = (0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1B, 0x36)
#: Rows (bit 7 - r) where each round constant has a one.
_RCON_ROWS: Final = tuple(tuple(r for r in range(8) if (rcon >> (7 - r)) & 1) for rcon in _RCON)


def sbox(x: Planes) -> Planes:
    """The AES S-box on byte rows ``x`` of shape (8, ...): returns a new array of the same shape."""
    out = np.empty_like(x)
    SBOX.run(list(x), list(out), [np.empty_like(x[0]) for _ in range(SBOX.scratch)])
    return out


#: Array operations bound to their arrays, run in order.
Steps = tuple[Callable[[], object], ...]


class _Work:
    """The buffers of one block of ``words`` words: S-box input and output (8 rows of ``bytes_in`` bytes,
    bit-major), S-box scratch, ShiftRows' output, MixColumns' partial sums and a round key; and every
    array operation of a round bound to them once (:func:`functools.partial`), so that a round makes no
    views and looks nothing up."""

    def __init__(self, words: int, bytes_in: int) -> None:
        self.words = words
        self.sin = np.empty((8, bytes_in, words), dtype=np.uint64)
        self.sout = np.empty_like(self.sin)
        self.sbox = SBOX.bind(list(self.sin), list(self.sout),
                              [np.empty((bytes_in, words), dtype=np.uint64) for _ in range(SBOX.scratch)])
        self.shifted = np.empty((8, 16, words), dtype=np.uint64)
        self.t = np.empty((8, 4, 4 * words), dtype=np.uint64)
        self.round_key = np.empty((8, 16, words), dtype=np.uint64)
        self.shift = partial(np.take, self.sout, _SHIFT_ROWS, 1, self.shifted, "clip")
        self.mix = self._mix_columns()
        self.key_rounds = self._key_schedule() if bytes_in == 20 else ()

    def state(self) -> Planes:
        """The state, bit-major (8, 16, words): the first 16 bytes of the S-box input."""
        return self.sin[:, :16]

    def _mix_columns(self) -> Steps:
        """FIPS 197 5.1.3 from :attr:`shifted` into the state, a row of all columns and lanes at a time:
        out_r = 2 s_r + 3 s_(r+1) + s_(r+2) + s_(r+3) = xtime(t_r) + s_(r+1) + t_(r+2), with
        t_r = s_r + s_(r+1); xtime is a shift of the bit rows and 0x1B where bit 7 was set."""
        s = self.shifted.reshape(8, 4, -1).view(np.uint8)  # [bit, row, column and word], bytes: see _BYTES
        t = self.t.view(np.uint8)
        out = self.state().reshape(8, 4, -1).view(np.uint8)
        xor = np.bitwise_xor
        steps: list[Callable[[], object]] = [partial(xor, s[:, r], s[:, (r + 1) % 4], t[:, r]) for r in range(4)]
        steps += [partial(xor, t[:, (r + 2) % 4], s[:, (r + 1) % 4], out[:, r]) for r in range(4)]
        # xtime: bit 7 - k of the result is bit 7 - (k + 1) of t (rows are bit 7 first), and t's bit 7 (row 0)
        # into bits 4, 3, 1 and 0 (rows 3, 4, 6, 7): the reduction by x^8 + x^4 + x^3 + x + 1
        steps += [partial(xor, out[:7], t[1:], out[:7])]
        steps += [partial(xor, out[rows], t[None, 0], out[rows]) for rows in (slice(3, 5), slice(6, 8))]
        return tuple(steps)

    def _key_schedule(self) -> tuple[tuple[Steps, Steps], ...]:
        """Per round of AES-128: RotWord of the last key word into the S-box input's bytes 16-19 (column 3,
        rows 1, 2, 3, 0), and after the S-box: w'0 = w0 ^ SubWord ^ Rcon, w'i = w'(i-1) ^ wi."""
        rk8, sin8 = self.round_key.view(np.uint8), self.sin.view(np.uint8)
        words = rk8.reshape(8, 4, 4, -1)  # [bit, row, key schedule word, lanes]
        rot: Steps = (partial(np.copyto, sin8[:, 16:19], rk8[:, 7:16:4]), partial(np.copyto, sin8[:, 19], rk8[:, 3]))
        xor = np.bitwise_xor
        first: Steps = (partial(xor, words[:, :, 0], self.sout[:, 16:].view(np.uint8), words[:, :, 0]),)
        chain: Steps = tuple(partial(xor, words[:, :, i], words[:, :, i - 1], words[:, :, i]) for i in (1, 2, 3))
        rounds = []
        for rows in _RCON_ROWS:
            rcon: Steps = tuple(partial(np.invert, words[row, 0, 0], words[row, 0, 0]) for row in rows)
            rounds.append((rot, first + rcon + chain))
        return tuple(rounds)

    def substitute_and_shift(self) -> None:
        """SubBytes (and whatever else is in the S-box input), then ShiftRows into :attr:`shifted`."""
        self.sbox.run()
        self.shift()

    def mix_columns(self) -> None:
        """MixColumns from :attr:`shifted` into the state."""
        for step in self.mix:
            step()


def _bit_major_into(planes: Planes, out: Planes) -> None:
    """Planes (byte 4c + r's bit 7 - k at row 8 (4c + r) + k) into ``out`` (8, bytes, words), row-major."""
    columns = planes.shape[0] // 32
    out.reshape(8, 4, columns, -1)[...] = planes.reshape(columns, 4, 8, -1).transpose(2, 1, 0, 3)


def _byte_major_into(state: Planes, out: Planes) -> None:
    out.reshape(4, 4, 8, -1)[...] = state.reshape(8, 4, 4, -1).transpose(2, 1, 0, 3)


def _encrypt_128(block: Planes, key: Planes, out: Planes, work: _Work) -> None:
    """AES-128 of one block of lanes with the key schedule run alongside the rounds: round ``r``'s SubWord
    goes through the same S-box program as its SubBytes (twenty bytes at once)."""
    rk = work.round_key
    state = work.state()
    _bit_major_into(key, rk)
    _bit_major_into(block, state)
    # the rest on uint8 views of the same memory (see _BYTES): [bit, row, key schedule word, lanes] for words
    rk8, state8 = rk.view(np.uint8), state.view(np.uint8)  # bytes: see _BYTES
    state8 ^= rk8
    for r, (before, after) in enumerate(work.key_rounds):
        for step in before:
            step()
        work.substitute_and_shift()
        for step in after:
            step()
        if r < 9:
            work.mix_columns()
            state8 ^= rk8
        else:
            np.bitwise_xor(work.shifted.view(np.uint8), rk8, out=state8)
    _byte_major_into(state, out)


def _expand(key: Planes) -> list[Planes]:
    """FIPS 197 5.2: the round keys, each row-major (8, 16, words) like the state."""
    nk = key.shape[0] // 32
    k = np.empty((8, 4, nk, key.shape[1]), dtype=np.uint64)  # [bit, row, key word, lane word]
    _bit_major_into(key, k.reshape(8, 4 * nk, -1))
    rounds = nk + 6
    w = [k[:, :, i] for i in range(nk)]
    for i in range(nk, 4 * (rounds + 1)):
        temp = w[i - 1]
        if i % nk == 0:
            temp = sbox(temp[:, [1, 2, 3, 0]])
            for row in _RCON_ROWS[i // nk - 1]:
                np.invert(temp[row, 0], out=temp[row, 0])
        elif nk > 6 and i % nk == 4:
            temp = sbox(temp)
        w.append(w[i - nk] ^ temp)
    return [np.stack(w[4 * r:4 * r + 4], axis=2).reshape(8, 16, -1) for r in range(rounds + 1)]


def _encrypt_long(block: Planes, key: Planes, out: Planes, work: _Work) -> None:
    """AES-192 and AES-256 of one block of lanes: the round keys first, then the rounds."""
    round_keys = _expand(key)
    state = work.state()
    _bit_major_into(block, state)
    state ^= round_keys[0]
    for rk in round_keys[1:-1]:
        work.substitute_and_shift()
        work.mix_columns()
        state ^= rk
    work.substitute_and_shift()
    np.bitwise_xor(work.shifted, round_keys[-1], out=state)
    _byte_major_into(state, out)


def encrypt(block: Planes, key: Planes) -> Planes:
    """AES-encipher every lane of ``block`` (128 planes) under its lane of ``key`` (128, 192 or 256)."""
    n = block.shape[1]
    out = np.empty((128, n), dtype=np.uint64)
    short = key.shape[0] == 128
    one_block = _encrypt_128 if short else _encrypt_long
    work: _Work | None = None
    for start in range(0, n, BLOCK_WORDS):
        stop = min(n, start + BLOCK_WORDS)
        if work is None or work.words != stop - start:
            work = _Work(stop - start, 20 if short else 16)
        one_block(block[:, start:stop], key[:, start:stop], out[:, start:stop], work)
    return out
