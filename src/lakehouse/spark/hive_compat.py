"""The one Hive class the Thrift server needs that the pyspark distribution leaves out.

Spark 4 no longer ships hive-llap-common, yet Hive's FunctionRegistry registers GenericUDTFGetSplits,
whose code refers to the interface `LlapSigner.Signable`: the registry's first use fails with
NoClassDefFoundError. HiveServer2 reaches it when it closes a session whose metastore handle it has
to recreate (SessionState.close -> Hive.get), and the client's CloseSession fails: dbt reports a
model that was built as an error. An empty interface of that name is all the registry needs, so the
launcher writes one into a jar of its own and puts it on the driver's class path.
"""

import struct
import zipfile
from pathlib import Path

SIGNABLE = "org/apache/hadoop/hive/llap/security/LlapSigner$Signable"
JAR_NAME = "hive-llap-signable.jar"
_ACC_PUBLIC, _ACC_INTERFACE, _ACC_ABSTRACT = 0x0001, 0x0200, 0x0400
_JAVA_8_CLASS_VERSION = 52


def interface_class(name: str) -> bytes:
    """Class file of an empty public interface; `name` in internal form (a/b/C$D)."""

    def utf8(text: str) -> bytes:
        data = text.encode()
        return b"\x01" + struct.pack(">H", len(data)) + data

    def class_ref(utf8_index: int) -> bytes:
        return b"\x07" + struct.pack(">H", utf8_index)

    # Constant pool: #1 the name, #2 its class, #3 java/lang/Object, #4 its class (count is 1 + 4).
    constants = utf8(name) + class_ref(1) + utf8("java/lang/Object") + class_ref(3)
    header = struct.pack(">IHHH", 0xCAFEBABE, 0, _JAVA_8_CLASS_VERSION, 5)
    flags = _ACC_PUBLIC | _ACC_INTERFACE | _ACC_ABSTRACT
    # this class #2, super class #4, then no interfaces, fields, methods or attributes.
    body = struct.pack(">HHHHHHH", flags, 2, 4, 0, 0, 0, 0)
    return header + constants + body


def write_jar(folder: Path) -> Path:
    """The jar holding `LlapSigner$Signable`, (re)written in folder; its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / JAR_NAME
    with zipfile.ZipFile(path, "w") as jar:
        jar.writestr(f"{SIGNABLE}.class", interface_class(SIGNABLE))
    return path
