#!/usr/bin/env python3
"""Drive a running `vdxp agent` from a system that is not written in Node.

Only the Python standard library is used: what this script does, a Java, .NET or PHP
document system does the same way -- files in folders, HTTP calls, an HMAC check.

    python3 drive.py send     --config agent.json --to 000.00.00.H41 [--wait 60]
    python3 drive.py send-api --config agent.json --to 000.00.00.H41
    python3 drive.py inbox    --config agent.json --report 03 --staff "Văn thư" [--wait 60]
    python3 drive.py track    --config agent.json DOCUMENT_ID [--wait-for 03]
    python3 drive.py webhook  --port 9000 --secret SECRET

Every command prints JSON lines on stdout and exits 0 on success, 1 otherwise.
"""
import argparse
import base64
import datetime
import hashlib
import hmac
import http.server
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


def load_config(path, api_override=None):
    """Folders and the API from agent.json (relative paths are relative to the file)."""
    with open(path, encoding="utf-8") as f:
        config = json.load(f)
    base = os.path.dirname(os.path.abspath(path))
    folders = {k: os.path.join(base, v) for k, v in config["folders"].items() if k in ("outbox", "sent", "failed", "inbox")}
    api = config.get("api")
    api_url = None
    if api:
        api_url = api_override or "http://%s:%s" % (api.get("host", "127.0.0.1"), api["port"])
    return config, folders, api_url, api and api["token"]


def emit(obj):
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def call(api_url, token, method, path, body=None):
    """One call to the agent's HTTP API; returns (status, parsed JSON)."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    req = urllib.request.Request(api_url + path, data=data, method=method)
    req.add_header("Authorization", "Bearer " + token)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return res.status, json.loads(res.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def document(sender, to, number):
    today = datetime.date.today().isoformat()
    return {
        "from": {"organId": sender["organId"], "organName": sender["organName"]},
        "to": [{"organId": to, "organName": to}],
        "code": {"codeNumber": str(number), "codeNotation": "VP-PY"},
        "promulgationInfo": {"place": "Hà Nội", "promulgationDate": today},
        "documentType": {"type": 1, "typeName": "Công văn"},
        "subject": "V/v thử nghiệm gửi văn bản từ hệ thống không viết bằng Node (%s)" % number,
    }


def first_agency(config):
    a = config["agencies"][0]
    return a if isinstance(a, dict) else {"organId": a, "organName": a}


def cmd_send(args):
    """Folder hand-off: the attachment first, the JSON last (written aside, then renamed)."""
    config, folders, _, _ = load_config(args.config, args.api)
    number = args.number or int(time.time()) % 100000
    name = "py-%d" % number
    outbox = folders["outbox"]
    with open(os.path.join(outbox, name + ".pdf"), "wb") as f:
        f.write(b"%PDF-1.4\n% van ban " + str(number).encode() + b"\n%%EOF\n")
    doc = document(first_agency(config), args.to, number)
    doc["attachments"] = [{"name": "Công văn %d.pdf" % number, "file": name + ".pdf"}]
    tmp = os.path.join(outbox, "." + name + ".json.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False)
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, os.path.join(outbox, name + ".json"))
    emit({"dropped": name})
    deadline = time.time() + args.wait
    result = os.path.join(folders["sent"], name, name + ".result.json")
    error = os.path.join(folders["failed"], name, name + ".error.json")
    while time.time() < deadline:
        if os.path.exists(result):
            with open(result, encoding="utf-8") as f:
                emit({"sent": json.load(f)})
            return 0
        if os.path.exists(error):
            with open(error, encoding="utf-8") as f:
                emit({"failed": json.load(f)})
            return 1
        time.sleep(0.2)
    emit({"timeout": name})
    return 1


def cmd_send_api(args):
    """HTTP hand-off: the same document, the attachment in base64."""
    config, _, api_url, token = load_config(args.config, args.api)
    number = args.number or int(time.time()) % 100000 + 1
    doc = document(first_agency(config), args.to, number)
    pdf = b"%PDF-1.4\n% qua API\n%%EOF\n"
    doc["attachments"] = [{"name": "Công văn %d.pdf" % number, "contentType": "application/pdf", "contentBase64": base64.b64encode(pdf).decode()}]
    status, body = call(api_url, token, "POST", "/documents", doc)
    emit({"status": status, "body": body})
    return 0 if status == 202 else 1


def cmd_inbox(args):
    """Registers what arrived: reads each inbox folder, reports a status through the API."""
    _, folders, api_url, token = load_config(args.config, args.api)
    deadline = time.time() + args.wait
    reported = 0
    while True:
        names = sorted(n for n in os.listdir(folders["inbox"]) if not n.startswith("."))
        for n in names:
            with open(os.path.join(folders["inbox"], n, "document.json"), encoding="utf-8") as f:
                doc = json.load(f)
            status, body = call(api_url, token, "POST", "/received/%s/status" % doc["inboxId"],
                                {"code": args.report, "staff": {"staff": args.staff}, "description": "Đã vào sổ văn bản đến"})
            emit({"folder": n, "documentId": doc["documentId"], "subject": doc["message"]["subject"],
                  "attachments": [a["file"] for a in doc["message"]["attachments"]], "status": status, "reply": body})
            reported += 1 if status == 200 else 0
        if names or time.time() > deadline:
            return 0 if reported > 0 and reported == len(names) else 1
        time.sleep(0.2)


def cmd_track(args):
    _, _, api_url, token = load_config(args.config, args.api)
    path = "/documents/" + urllib.parse.quote(args.document_id, safe="")
    deadline = time.time() + args.wait
    while True:
        status, body = call(api_url, token, "GET", path)
        trail = [e["code"] for s in (body or {}).get("sent", []) for r in s["recipients"] for e in r["events"]] if status == 200 else []
        if (args.wait_for is None or args.wait_for in trail) or time.time() > deadline:
            emit({"status": status, "trail": trail, "classes": (body or {}).get("classes")})
            return 0 if status == 200 and (args.wait_for is None or args.wait_for in trail) else 1
        time.sleep(0.3)


def cmd_webhook(args):
    """Receives the agent's events: checks the signature over the raw body, drops repeats."""
    secret = args.secret.encode("utf-8")
    seen = set()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            expected = "sha256=" + hmac.new(secret, raw, hashlib.sha256).hexdigest()
            given = self.headers.get("X-Vdxp-Signature", "")
            fresh = abs(time.time() - int(self.headers.get("X-Vdxp-Timestamp", "0"))) < 300
            if not (hmac.compare_digest(expected, given) and fresh):
                self.send_response(401)
                self.end_headers()
                emit({"refused": self.headers.get("X-Vdxp-Event-Id")})
                return
            event = json.loads(raw)
            if event["id"] not in seen:
                seen.add(event["id"])
                emit({"event": event["type"], "id": event["id"], "data": event["data"]})
            self.send_response(204)
            self.end_headers()

        def log_message(self, *a):
            pass

    server = http.server.HTTPServer(("127.0.0.1", args.port), Handler)
    emit({"listening": server.server_address[1]})
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("send")
    s.add_argument("--config", required=True)
    s.add_argument("--api", help="the agent's API URL (default: from api.host and api.port)")
    s.add_argument("--to", required=True)
    s.add_argument("--number", type=int)
    s.add_argument("--wait", type=float, default=60)
    s.set_defaults(run=cmd_send)
    a = sub.add_parser("send-api")
    a.add_argument("--config", required=True)
    a.add_argument("--api", help="the agent's API URL (default: from api.host and api.port)")
    a.add_argument("--to", required=True)
    a.add_argument("--number", type=int)
    a.set_defaults(run=cmd_send_api)
    i = sub.add_parser("inbox")
    i.add_argument("--config", required=True)
    i.add_argument("--api", help="the agent's API URL (default: from api.host and api.port)")
    i.add_argument("--report", default="03")
    i.add_argument("--staff", default="Văn thư")
    i.add_argument("--wait", type=float, default=60)
    i.set_defaults(run=cmd_inbox)
    t = sub.add_parser("track")
    t.add_argument("--config", required=True)
    t.add_argument("--api", help="the agent's API URL (default: from api.host and api.port)")
    t.add_argument("document_id")
    t.add_argument("--wait-for")
    t.add_argument("--wait", type=float, default=60)
    t.set_defaults(run=cmd_track)
    w = sub.add_parser("webhook")
    w.add_argument("--port", type=int, default=9000)
    w.add_argument("--secret", default=os.environ.get("VDXP_WEBHOOK_SECRET", ""))
    w.set_defaults(run=cmd_webhook)
    args = p.parse_args()
    sys.exit(args.run(args))


if __name__ == "__main__":
    main()
