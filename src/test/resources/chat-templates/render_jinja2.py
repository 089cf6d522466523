"""Renders one chat template with Python Jinja2 the way Hugging Face transformers does.

Reads a JSON request on stdin: {"template": str, "context": {...}, "now": "YYYY-MM-DDTHH:MM:SS"}.
Writes a JSON reply on stdout: {"output": str} or {"error": str}.
The environment matches transformers' chat template compiler: a sandboxed environment with
trim_blocks and lstrip_blocks, the loopcontrols extension, raise_exception, strftime_now and a
tojson filter that is json.dumps with ensure_ascii=False.
"""
import datetime
import json
import sys

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment


def main():
    request = json.load(sys.stdin)
    fixed_now = datetime.datetime.fromisoformat(request["now"])

    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def strftime_now(fmt):
        return fixed_now.strftime(fmt)

    def tojson(value, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(value, ensure_ascii=ensure_ascii, indent=indent,
                          separators=separators, sort_keys=sort_keys)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=[jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    try:
        output = env.from_string(request["template"]).render(**request["context"])
        reply = {"output": output}
    except jinja2.exceptions.TemplateError as e:
        reply = {"error": str(e)}
    json.dump(reply, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
