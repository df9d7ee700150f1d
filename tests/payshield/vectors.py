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
# THALESSIM TestTranslateTMKFromZMKToLMK / TestTranslateTMKFromLMKToZMK (double-length keys)
FC = ("U1457FF6ADF6250C66C368416B4C9D383XF7D53991678347EFB3026882F724E6EE;XU1",
      "U8463435FC4B4DAA0C49025272C29B12C070753")
FE = ("U1457FF6ADF6250C66C368416B4C9D383U8463435FC4B4DAA0C49025272C29B12C;XX1",
      "XF7D53991678347EFB3026882F724E6EE070753")
# THALESSIM TestHashDataBlock, which takes the values from Wikipedia's pages on the hash functions:
# the digests of "The quick brown fox jumps over the lazy dog".
FOX = "The quick brown fox jumps over the lazy dog"
GM = {
    "01": "2FD4E1C67A2D28FCED849EE1BB76E7391B93EB12",
    "02": "9E107D9D372BB6826BD81D3542A419D6",
    "06": "D7A8FBB307D7809469CA9ABCB0082E4F8D5651E46D3CDB762D02D0BF37C9E592",
    "07": "CA737F1014A48F4C0B6DD43CB177B0AFD9E5169367544C494011E3317DBF9A509CB1E5DC1E85A941BBEE3D7F2AFBC9B1",
    "08": "07E547D9586F6A73F73FBAC0435ED76951218FB7D0C8D788A309D785436BBB642E93A252A954F23912547D1E8A3B5ED6E1BFD7"
          "097821233FA0538F3DB854FEE6",
}

#: ThalesSim's HostCommandTests.TestTranslateZMKFromZMKToLMK (its first case; the ZMK and the key under it
#: given there without a scheme are the X-scheme forms, written here with the X).
BY = ("X2EC8A0412B5D0E86E3C1E5ABFA19B3F5X79E1B5D8DC672AF00137070260B5FA8E;XU0",
      "UF673F2E0149686A7365E73B881152B9713F44F34A77D8263")
#: ThalesSim's HostCommandTests.TestGenerateCheckValueKA, double-length cases (the ZPK of CC's vectors).
KA = [("U1EF828AA8F6B80EB83E19FBC373F3A8501", "6F1E3F74F826B7EB"),
      ("U1EF828AA8F6B80EB83E19FBC373F3A8501;ZZ1", "6F1E3F")]
#: ThalesSim's HostCommandTests.TestTranslatePINFromDukptToZPK3DES: the X9.24-1:2009 A.4 BDK (under the LMK
#: as BDK above), a ZPK in clear, KSN ...E00008 with descriptor 605, PIN 1234, PAN 4012345678909; the source
#: block is X9.24-1 A.4.2's published one for that KSN (vectors/dukpt_tdes.json, tdes-000008-pin-block).
G0_ZPK_CLEAR = "C7152C20BC2C830EA7EC9E8334ABE3FE"
G0_KSN = "FFFF9876543210E00008"
G0_BLOCK = "50E55547A5027551"
#: ThalesSim's HostCommandTests.TestTranslateCVKFromZMKToLMK: the CVK pair of its CW/CY cases (above, under
#: the LMK without a scheme; clear 0123456789ABCDEFFEDCBA9876543210) comes back with check values
#: D5D44F (CVK A) A68CDC (CVK B) for KCV type 0 and 08D7B4 (the pair) for type 1. Its ZMK there is single
#: length, which pinsec refuses, so only the LMK side and the check values are taken.
CVK_UNDER_LMK = "0A61E674E88C6A7EEABC38C2B2BB492F"
CVK_CLEAR = "0123456789ABCDEFFEDCBA9876543210"
CVK_KCV_HALVES = "D5D44FA68CDC"
CVK_KCV = "08D7B4"
#: ThalesSim's HostCommandTests.TestTranslateKeyScheme: a ZMK (key type 000) under the LMK in scheme U, asked
#: for in scheme X. Its clear value is 0123456789ABCDEF twice (a single DES key in a double-length field), so a
#: payShield that refuses single keys in disguise, as pinsec does, answers 75 where ThalesSim translates it.
B0_EQUAL_HALVES = "000U42BBE7D9A0A55D0EAA54C982B4D06B70X"
#: ThalesSim's HostCommandTests.TestTranslateTMKFromLMKToTMK: a TMK and a second 002 key, both double length
#: under the LMK in scheme U; the second key under the first, in scheme U. (Its commented-out X form,
#: XE098159ADAD90802CF32ED579CE48557, is the same key in scheme X: pinsec gives it for an X input.)
AE = ("U8463435FC4B4DAA0C49025272C29B12CU28DDAEC83617D2F6E2302928B28A54D0", "UB44202060B6C5C0B2F372149A68FA0B5")
AE_X = "XE098159ADAD90802CF32ED579CE48557"
#: ThalesSim's HostCommandTests.TestTranslatePINFromDukptoZPK (CI): its destination ZPK is 1C1C...1C under the
#: LMK, a single DES key in a double-length field, which pinsec refuses (75).
CI_WEAK_ZPK = ("U8E3D3E2FD5919657F05A1AA90D32A014U9D961F6AF1D24B38AB37B320022FF57D605FFFF9876543210E00001"
               "1B9C1845EB993A7A01401234567890")
#: ThalesSim's HostCommandTests.TestFormZMKFromTwoToNineComponents and TestFormKeyFromEncryptedComponents: three
#: ZMK components under LMK pair 04-05 (32 H each, no scheme letter), combined: the ZMK without a scheme letter
#: and its 16 H check value; with ";0U1", scheme U and 6 H; A4 with key type 000, scheme X, the components as
#: X keys: the X form and 6 H.
ZMK_COMPONENTS = ("2EC8A0412B5D0E86E3C1E5ABFA19B3F5", "FF43378ED5D85B1BC465BF000335FBF1",
                  "A235EDF4C58A2CB0C84641D07319CF21")
GY = "C0BC1DFFC449A402DAB71250CA5869CC" + "8CE39643DA9A9B99"
GY_U = "U369835189A058604EB7F84EAE10C7D04" + "8CE396"
A4 = "XC0BC1DFFC449A402DAB71250CA5869CC" + "8CE396"
#: ThalesSim's HostCommandTests.TranslateBDKFromZMKToLMK / TranslateBDKFromLMKToZMK: the X9.24-1 A.4 BDK under
#: the ZMK of A8/FC (in the X form without its letter) and under the LMK (BDK above), check value 08D7B4.
DW = ("U1457FF6ADF6250C66C368416B4C9D383" + "6A2C67C227784BC5D8508B6BED82ECB8;0U1",
      "U8E3D3E2FD5919657F05A1AA90D32A014" + "08D7B4")
DY = ("U1457FF6ADF6250C66C368416B4C9D383U8E3D3E2FD5919657F05A1AA90D32A014;X01",
      "X6A2C67C227784BC5D8508B6BED82ECB8" + "08D7B4")
#: ThalesSim's HostCommandTests.TestFormZMKFrom3EncryptedComponents: GG on the same three components (in another
#: order: XOR does not mind) gives the same ZMK, in scheme X, and its 16 H check value.
GG = ("A235EDF4C58A2CB0C84641D07319CF21FF43378ED5D85B1BC465BF000335FBF12EC8A0412B5D0E86E3C1E5ABFA19B3F5",
      "XC0BC1DFFC449A402DAB71250CA5869CC" + "8CE39643DA9A9B99")
