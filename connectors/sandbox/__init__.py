"""Local sandboxes of the tools' APIs: real HTTP on loopback, real paths and JSON shapes.

The demo runs on them with no accounts, the tests run on them offline, and faults (rate
limits, 5xx, hangs, edits behind copydesk's back) are injected through their `/_sandbox/`
admin API. Each tool's sandbox is a WSGI app; `server.SandboxServer` mounts them under
`/<tool>` on one port.
"""
