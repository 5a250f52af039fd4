# The real Python readers LabKey's Python client goes through, run on a netrc file by the interop
# tier: CPython's `netrc` module, requests' get_netrc_auth, and a real requests call to whoAmI
# (requests applies netrc Basic auth itself). HOME and NETRC come from the environment.
# argv[1]: JSON {"file": path or null, "whoami": url, "hosts": [...], "port": n}. Prints JSON.
import json, sys

import netrc
import requests
import requests.utils

arg = json.loads(sys.argv[1])
out = {"python": sys.version.split()[0], "requests": requests.__version__}

if arg.get("file"):
    try:
        n = netrc.netrc(arg["file"])
        out["netrc"] = {"hosts": {h: (list(n.authenticators(h)) if n.authenticators(h) else None) for h in arg["hosts"]}}
    except netrc.NetrcParseError as e:
        out["netrc"] = {"error": type(e).__name__, "line": e.lineno}
    except OSError as e:
        out["netrc"] = {"error": type(e).__name__}

out["get_netrc_auth"] = {}
for h in arg["hosts"]:
    a = requests.utils.get_netrc_auth("http://%s:%d/" % (h, arg["port"]))
    out["get_netrc_auth"][h] = list(a) if a else None

r = requests.get(arg["whoami"], timeout=20)
out["whoami"] = {"status": r.status_code, "email": (r.json().get("email") if r.headers.get("content-type", "").startswith("application/json") else None)}
print(json.dumps(out))
