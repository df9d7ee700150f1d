"""An example for every command, shown at the end of its ``--help`` (the suite parses each one, so they
stay true to the options). Values are the published test values the docs use: ANSI X9.24-1:2009 A.4
(BDK 0123456789ABCDEFFEDCBA9876543210, KSN FFFF9876543210E00001, PIN 1234, PAN 4012345678909), TR-31:2018
A.7.4 (the D block and its KBPK), psec's PIN verification values."""

from __future__ import annotations

from typing import Final

__all__ = ["EXAMPLES"]

_BDK = "0123456789ABCDEFFEDCBA9876543210"
_A74 = ("D0112P0AE00E0000B82679114F470F540165EDFBF7E250FCEA43F810D215F8D207E2E417C07156A27E8E31DA05F7425509593D"
        "03A457DC34")
_KBPK = "88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6"
_STORE = "--keystore keys.json --lmk-file /secure/lmk.hex"

#: command words -> the arguments of an example (after ``pinsec`` and the command words)
EXAMPLES: Final[dict[tuple[str, ...], str]] = {
    ("demo",): "",
    ("pinblock", "encode"): "--pin 1234 --pan 4012345678909 --format 0",
    ("pinblock", "decode"): "--block 041274EDCBA9876F --pan 4012345678909",
    ("pinblock", "encipher"): f"--key {_BDK} --pin - --pan 4012345678909",
    ("pinblock", "decipher"): f"--key {_BDK} --block 1B9C1845EB993A7A --pan 4012345678909",
    ("dukpt", "tdes", "derive"): f"--bdk {_BDK} --ksn FFFF9876543210E00001 --usage pin",
    ("dukpt", "tdes", "originator"): f"--bdk {_BDK} --ksn FFFF9876543210E00000 --count 3",
    ("dukpt", "aes", "derive"): "--bdk FEDCBA9876543210F1F1F1F1F1F1F1F1 --ksn 123456789012345600000001 "
                                "--key-type aes128",
    ("dukpt", "aes", "originator"): "--bdk FEDCBA9876543210F1F1F1F1F1F1F1F1 --initial-key-id 1234567890123456",
    ("tr31", "inspect"): _A74,
    ("tr31", "wrap"): f"--kbpk {_KBPK} --key 3F419E1CB7079442AA37474C2EFBF8B8 --header D0000P0AE00E0000",
    ("tr31", "unwrap"): f"{_A74} --kbpk {_KBPK}",
    ("kcv",): f"{_BDK} --algorithm T",
    ("pin", "ibm3624-offset"): f"--pvk {_BDK} --pin 5635 --validation-data 1122334455667788 "
                               "--table 1234567890123456",
    ("pin", "ibm3624-verify"): f"--pvk {_BDK} --pin 5635 --offset 1111 --validation-data 1122334455667788 "
                               "--table 1234567890123456",
    ("pin", "pvv"): f"--pvk {_BDK} --pan 1122334455667788 --pvki 1 --pin 4524",
    ("pin", "cvv"): f"--cvk {_BDK} --pan 1234567890123456 --expiry 9912 --service-code 220",
    ("mac", "generate"): "--algorithm retail --key 042666B4918430A368DE9628D03984C9 "
                         "--data 3430313233343536373839303944393837 --length 4",
    ("mac", "verify"): "--algorithm retail --key 042666B4918430A368DE9628D03984C9 "
                       "--data 3430313233343536373839303944393837 --mac 9CCC7817",
    ("bulk", "translate"): f"{_STORE} --input stored.csv --output migrated.csv --src-key OLD_ZPK --src-format 0 "
                           "--dst-key NEW_ZPK --dst-format 4 --workers 2",
    ("key", "generate"): f"{_STORE} --usage P0 --algorithm A --mode B --label 'zone key'",
    ("key", "import"): f"{_STORE} --authorized --usage B0 --algorithm T --mode X --component C1_HEX "
                       "--component C2_HEX --component-kcv KCV1 --component-kcv KCV2 --kcv 08D7B4",
    ("key", "list"): _STORE,
    ("key", "export"): f"{_STORE} --key 'zone key' --kbpk KBPK_ID --version D",
    ("key", "import-block"): f"{_STORE} --block {_A74} --kbpk KBPK_ID",
    ("key", "label"): f"{_STORE} --key KEY_ID --label 'zone key'",
    ("key", "destroy"): f"{_STORE} --key 'zone key'",
    ("translate",): f"{_STORE} --block 1B9C1845EB993A7A --pan 4012345678909 --src-key BDK_ID --src-format 0 "
                    "--src-ksn FFFF9876543210E00001 --dst-key 'zone key' --dst-format 4",
    ("hsm", "verify-pin"): f"{_STORE} --block BLOCK --key ZPK_ID --format 0 --pan 1122334455667788 --pvk PVK_ID "
                           "--method visa-pvv --pvki 1 --pvv 8523",
    ("hsm", "pin-value"): f"{_STORE} --block BLOCK --key ZPK_ID --format 0 --pan 1122334455667788 --pvk PVK_ID "
                          "--method visa-pvv --pvki 1",
    ("hsm", "cvv"): f"{_STORE} --key CVK_ID --pan 1234567890123456 --expiry 9912 --service-code 220",
    ("hsm", "verify-cvv"): f"{_STORE} --key CVK_ID --pan 1234567890123456 --expiry 9912 --service-code 220 "
                           "--cvv 170",
    ("hsm", "mac"): f"{_STORE} --key BDK_ID --data 3430313233343536373839303944393837 "
                    "--ksn FFFF9876543210E00001 --length 4",
    ("hsm", "verify-mac"): f"{_STORE} --key BDK_ID --data 3430313233343536373839303944393837 "
                           "--ksn FFFF9876543210E00001 --mac 9CCC7817",
    ("vectors", "check"): "vectors/ -q",
    ("lmk", "generate"): "--out /secure/lmk.hex",
    ("serve", "payshield"): "--port 1500 --header-length 4",
    ("serve", "aws"): f"{_STORE} --port 4566",
    ("payshield", "form-key"): "--authorized --key-type 009 --component 0123456789ABCDEF0123456789ABCDEF "
                               "--component 0000000000000000FFFFFFFFFFFFFFFF --component-kcv D5D44F "
                               "--component-kcv 9295B5 --kcv 08D7B4",
    ("payshield", "generate-lmk"): "--authorized --out /secure/variant-lmk.txt",
}
