"""Lists the opcodes of every pickle stream in each file with pickletools.genops, as JSON.

Used by the differential test of the TypeScript disassembler. Standard library only. It never
unpickles anything: genops only decodes opcodes and their arguments.
Usage: python3 genops-json.py FILE... > out.json
"""
import hashlib
import io
import json
import pickletools
import struct
import sys
import zipfile


def arg_json(arg):
    if arg is None:
        return None
    if isinstance(arg, bool):
        return {"bool": arg}
    if isinstance(arg, int):
        return {"int": str(arg)}
    if isinstance(arg, float):
        return {"float": struct.pack(">d", arg).hex()}
    if isinstance(arg, str):
        return {"str": arg}
    if isinstance(arg, (bytes, bytearray)):
        b = bytes(arg)
        if len(b) <= 256:
            return {"bytes": b.hex()}
        return {"bytesLen": len(b), "sha256": hashlib.sha256(b).hexdigest()}
    raise TypeError(type(arg))


def streams_of(data):
    f = io.BytesIO(data)
    streams = []
    while f.tell() < len(data):
        stream = {"ops": []}
        streams.append(stream)
        next_pos = f.tell()
        try:
            for op, arg, pos in pickletools.genops(f):
                stream["ops"].append({"pos": pos, "name": op.name, "arg": arg_json(arg)})
                next_pos = f.tell()
        except Exception:  # genops raises ValueError, UnicodeDecodeError, struct.error...
            stream["error"] = next_pos
            break
    return streams


def main():
    out = {}
    for path in sys.argv[1:]:
        with open(path, "rb") as fh:
            data = fh.read()
        out[path] = streams_of(data)
        # Members of zip archives that Python's zipfile can read (it refuses some on purpose).
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = [i.filename for i in zf.infolist()]
                for name in names:
                    if names.count(name) != 1 or name.endswith("/"):
                        continue
                    try:
                        member = zf.read(name)
                    except Exception:
                        continue
                    out[path + "::" + name] = streams_of(member)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
            pass
    json.dump(out, sys.stdout, ensure_ascii=True)


if __name__ == "__main__":
    main()
