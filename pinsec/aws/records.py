"""What the service knows about its keys besides the keys themselves: ARNs, states, usage windows,
aliases and tags. The keys live in the Hsm's key store; these records live beside it
(``<keystore>.aws.json``, written whole and renamed into place), so both survive a restart."""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

from ..errors import DataError
from .errors import AwsError, not_found, validation

__all__ = ["KeyRecord", "Records"]

_ALIAS: Final = re.compile(r"alias/[a-zA-Z0-9/_-]+")
_PREFIX: Final = r"arn:aws:payment-cryptography:[a-z]{2}-[a-z]{1,16}-[0-9]+:[0-9]{12}:"
_KEY_ARN: Final = re.compile(_PREFIX + r"key/([0-9a-zA-Z]{16,64})")
_ALIAS_ARN: Final = re.compile(_PREFIX + r"(alias/[a-zA-Z0-9/_-]+)")


@dataclass
class KeyRecord:
    id: str
    attributes: dict[str, Any]
    kcv: str
    kcv_algorithm: str
    exportable: bool
    origin: str
    created: float
    enabled: bool = True
    state: str = "CREATE_COMPLETE"
    usage_start: float | None = None
    usage_stop: float | None = None
    delete_pending: float | None = None
    deleted: float | None = None
    tags: dict[str, str] = field(default_factory=dict)


class Records:
    """Key records and aliases, persisted beside the key store (``path`` None: in memory)."""

    def __init__(self, path: str | os.PathLike[str] | None, *, region: str, account: str) -> None:
        self.path = None if path is None else Path(path)
        self.region, self.account = region, account
        self.keys: dict[str, KeyRecord] = {}
        self.aliases: dict[str, str | None] = {}
        if self.path is not None and self.path.exists():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                self.keys = {k: KeyRecord(**v) for k, v in data["keys"].items()}
                self.aliases = {str(k): v for k, v in data["aliases"].items()}
            except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
                raise DataError(f"the key records file {self.path.name} cannot be read ({type(exc).__name__}); "
                                "restore it from a backup", code="aws_records", field="keystore") from None

    def save(self) -> None:
        if self.path is None:
            return
        tmp = self.path.with_name(self.path.name + ".tmp")
        text = json.dumps({"keys": {k: asdict(v) for k, v in self.keys.items()}, "aliases": self.aliases},
                          sort_keys=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, self.path)

    def arn(self, key_id: str) -> str:
        return f"arn:aws:payment-cryptography:{self.region}:{self.account}:key/{key_id}"

    def key_id(self, identifier: Any, path: str = "KeyIdentifier") -> str:
        """The key id an ARN, alias name or alias ARN names; ResourceNotFoundException if none."""
        if not isinstance(identifier, str) or not identifier:
            raise validation("a key identifier is a key ARN or an alias", path)
        found = _KEY_ARN.fullmatch(identifier)
        if found:
            key_id = found.group(1)
        else:
            alias = _ALIAS_ARN.fullmatch(identifier)
            name = alias.group(1) if alias else identifier
            if not _ALIAS.fullmatch(name):
                raise validation("a key identifier is a key ARN or an alias", path)
            target = self.aliases.get(name)
            if target is None:
                raise not_found(identifier)
            key_id = target
        if key_id not in self.keys:
            raise not_found(identifier)
        return key_id

    def record(self, identifier: Any, path: str = "KeyIdentifier") -> KeyRecord:
        self.expire()
        return self.keys[self.key_id(identifier, path)]

    def alias_name(self, name: Any) -> str:
        if not isinstance(name, str) or not _ALIAS.fullmatch(name) or len(name) > 256:
            raise validation("an alias name is alias/ then letters, digits, / _ -", "AliasName")
        return name

    def expire(self) -> list[str]:
        """Keys whose deletion window has passed become DELETE_COMPLETE; their ids (to destroy)."""
        now = time.time()
        gone = []
        for record in self.keys.values():
            if record.state == "DELETE_PENDING" and record.delete_pending is not None and record.delete_pending <= now:
                record.state, record.deleted = "DELETE_COMPLETE", now
                gone.append(record.id)
        if gone:
            self.save()
        return gone

    def usable(self, identifier: Any, path: str) -> KeyRecord:
        """The record of a key a data plane operation may use: it exists, is not being deleted, is enabled."""
        record = self.record(identifier, path)
        if record.state != "CREATE_COMPLETE":
            raise AwsError("ValidationException", f"the key is {record.state}")
        if not record.enabled:
            raise AwsError("ValidationException", "the key is disabled (StopKeyUsage); StartKeyUsage enables it")
        return record

    def describe(self, record: KeyRecord) -> dict[str, Any]:
        """The service's ``Key`` structure."""
        out: dict[str, Any] = {
            "KeyArn": self.arn(record.id), "KeyAttributes": record.attributes, "KeyCheckValue": record.kcv,
            "KeyCheckValueAlgorithm": record.kcv_algorithm, "Enabled": record.enabled,
            "Exportable": record.exportable, "KeyState": record.state, "KeyOrigin": record.origin,
            "CreateTimestamp": record.created,
        }
        for name, value in (("UsageStartTimestamp", record.usage_start), ("UsageStopTimestamp", record.usage_stop),
                            ("DeletePendingTimestamp", record.delete_pending), ("DeleteTimestamp", record.deleted)):
            if value is not None:
                out[name] = value
        return out

    def summary(self, record: KeyRecord) -> dict[str, Any]:
        """The service's ``KeySummary`` structure."""
        return {"KeyArn": self.arn(record.id), "KeyState": record.state, "KeyAttributes": record.attributes,
                "KeyCheckValue": record.kcv, "Exportable": record.exportable, "Enabled": record.enabled}
