"""Personal data protection (Decree 13/2023/ND-CP): retention of raw requests, erasure on request.

- purge.py: `hub purge`, raw request bodies and batched deliveries dropped after the retention
  period, keeping the rows leads and redelivery checks rely on;
- erase.py: `hub contacts erase` / `DELETE /api/v1/contacts/<id>`, a person's data removed from
  every table, an erasure record kept, `contact.erased` sent downstream.
Log masking lives in hub/redact.py.
"""
