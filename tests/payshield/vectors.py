"""Known answers for host commands under the payShield test LMK, each with its source.

THALESSIM: ThalesSim's host command tests (github:nickntg/thalessimulatorlibrary,
ThalesCore.Tests/HostCommandTests.vb), an independent emulator of the payShield under the test LMK.
Only its double-length-key cases are used: pinsec refuses single-length DES keys (PCI), and ThalesSim's
Visa PVV cases take the 11 *leftmost* digits of the 12-digit account field where the payShield manual and
Visa take the 11 rightmost, so those are not used either (docs/payshield.md).

PSEC: psec's published vectors (vectors/pin_verification.json, vectors/mac.json), whose clear keys are
put under the test LMK here by pinsec.variant_lmk, itself checked against THALESSIM's check values and
against the "Thales Keys Encryption/Decoding" tool capture recorded in a public test
(ThalesLmkExternalVectorTest, package com.cryptocarver.crypto): LMK pair 00-01, key
0123456789ABCDEFFEDCBA9876543210, variant 1 scheme U -> A12049CC30D20BE0DC6E5E2A98FADE9E, variant 2 ->
BD7F64B9F9875B731BAED72101DEA65B.
"""

from __future__ import annotations

# THALESSIM TestGenerateCheckValueBU: (command fields, response fields after the error code)
BU = [
    ("001U93CB819F8FEE4F78BF9C4CDD84750DB1", "B70AD25C94548822"),
    ("011U1EF828AA8F6B80EB83E19FBC373F3A85", "6F1E3F74F826B7EB"),
]
# THALESSIM TestImportKey (key type 001 under a double-length ZMK)
A6 = ("001U71979DEB8587E2734F1E99D5DCAEF9ACU482C4E722BB0CF1845E1E5BD16310119U",
      "U0E07CDC0161A0DE3B5AA44DF227EC9DEABDEBC")
# THALESSIM TestExportKey (key type 002, scheme U under the ZMK)
A8 = ("002U1457FF6ADF6250C66C368416B4C9D383U8463435FC4B4DAA0C49025272C29B12CU",
      "U2C62A23D001B97412950CD8BE66C7639070753")
# THALESSIM TestTranslatePINFromTPKToZMK (TPK and ZPK double length, ISO format 0 both sides)
CA = ("U8463435FC4B4DAA0C49025272C29B12CU1EF828AA8F6B80EB83E19FBC373F3A85126428EB94035AF53B0101550000025321",
      "0491DDDA0A7C12CFAA01")
# THALESSIM TestGenerateCVV / TestVerifyCVV
CW = [
    ("U9B4934384B19946B040CD702B4D581454123456789012345;8701101", "561"),
    ("0A61E674E88C6A7EEABC38C2B2BB492F4123456789012345;8701101", "561"),
    ("0A61E674E88C6A7EEABC38C2B2BB492F4999988887777;9105111", "649"),
]
CY = [
    ("U9B4934384B19946B040CD702B4D581455614123456789012345;8701101", "00"),
    ("U9B4934384B19946B040CD702B4D581451114123456789012345;8701101", "01"),
    ("0A61E674E88C6A7EEABC38C2B2BB492F5614123456789012345;8701101", "00"),
    ("0A61E674E88C6A7EEABC38C2B2BB492F6494999988887777;9105111", "00"),
    ("0A61E674E88C6A7EEABC38C2B2BB492F1114999988887777;9105111", "01"),
]
# THALESSIM cryptograms used with other sources: the ZMK and ZPK of A6, the TPK and ZPK of CA, and the
# BDK of TestTranslatePINFromDukptoZPK (under LMK 28-29 it is ANSI X9.24-1:2009 Annex A's BDK).
ZMK = "U71979DEB8587E2734F1E99D5DCAEF9AC"
ZPK_UNDER_ZMK = "U482C4E722BB0CF1845E1E5BD16310119"
ZPK = "U1EF828AA8F6B80EB83E19FBC373F3A85"
TPK = "U8463435FC4B4DAA0C49025272C29B12C"
BDK = "U8E3D3E2FD5919657F05A1AA90D32A014"
# ANSI X9.24-1:2009 Annex A.4: PIN 1234, PAN 4012345678909, KSN FFFF9876543210E00001.
DUKPT_KSN = "FFFF9876543210E00001"
DUKPT_BLOCK = "1B9C1845EB993A7A"
DUKPT_ACCOUNT = "401234567890"
# THALESSIM: under ZPK (PIN 1234, account 550000025321, ISO format 0)
ZPK_BLOCK_1234 = "91DDDA0A7C12CFAA"
ACCOUNT_1234 = "550000025321"
