"""Just enough of JSON Schema 2020-12 to check profiles against docs/profile.schema.json
without a third-party validator: $ref (local), type, const, enum, required, properties,
additionalProperties, items, prefixItems, minItems, maxItems, minimum, oneOf."""

from typing import Any, Dict, List

_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def errors(schema: Dict[str, Any], value: Any, root: Dict[str, Any] = None, where: str = "$") -> List[str]:
    root = root or schema
    if "$ref" in schema:
        target = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return errors(target, value, root, where)
    found: List[str] = []
    kinds = schema.get("type")
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else kinds
        if not any(_TYPES[k](value) for k in kinds):
            return ["%s: %r is not of type %s" % (where, value, kinds)]
    if "const" in schema and value != schema["const"]:
        found.append("%s: %r is not %r" % (where, value, schema["const"]))
    if "enum" in schema and value not in schema["enum"]:
        found.append("%s: %r not in %r" % (where, value, schema["enum"]))
    if "minimum" in schema and isinstance(value, (int, float)) and value < schema["minimum"]:
        found.append("%s: %r < %r" % (where, value, schema["minimum"]))
    if "oneOf" in schema:
        matching = [s for s in schema["oneOf"] if not errors(s, value, root, where)]
        if len(matching) != 1:
            found.append("%s: matches %d of oneOf" % (where, len(matching)))
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                found.append("%s: missing %r" % (where, name))
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            if name in properties:
                found += errors(properties[name], item, root, "%s.%s" % (where, name))
            elif extra is False:
                found.append("%s: unexpected %r" % (where, name))
            elif isinstance(extra, dict):
                found += errors(extra, item, root, "%s.%s" % (where, name))
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            found.append("%s: fewer than %d items" % (where, schema["minItems"]))
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            found.append("%s: more than %d items" % (where, schema["maxItems"]))
        prefix = schema.get("prefixItems", [])
        for i, item in enumerate(value):
            if i < len(prefix):
                found += errors(prefix[i], item, root, "%s[%d]" % (where, i))
            elif "items" in schema:
                found += errors(schema["items"], item, root, "%s[%d]" % (where, i))
    return found
