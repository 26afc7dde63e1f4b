#!/usr/bin/env python3
"""usage: cpucost.py PID LUA URL [DURATION]: wrk -t2 -c32; req/s, latency, CPU per request of the server and of PostgreSQL backends.
PG_PID=postmaster pid: count only that cluster's processes (other clusters on the machine otherwise count too)."""
import os, subprocess, sys
pid, lua, url = sys.argv[1], sys.argv[2], sys.argv[3]
duration = sys.argv[4] if len(sys.argv) > 4 else "30s"
tck = os.sysconf('SC_CLK_TCK')
pg_pid = os.environ.get('PG_PID')
def times():
    out = {}
    for p in os.listdir('/proc'):
        if not p.isdigit(): continue
        try:
            with open(f'/proc/{p}/stat') as f: fields = f.read().rsplit(')', 1)[1].split()
            with open(f'/proc/{p}/comm') as f: comm = f.read().strip()
        except OSError: continue
        ppid = fields[1]
        if p == pid or (comm.startswith('postgres') and (pg_pid is None or pg_pid in (p, ppid))):
            out[p] = (comm, int(fields[11]) + int(fields[12]))
    return out
t0 = times()
res = subprocess.run(['wrk', '-t2', '-c32', '-d' + duration, '-s', lua, '--latency', url], capture_output=True, text=True).stdout
t1 = times()
reqs = int([l for l in res.splitlines() if 'requests in' in l][0].split()[0])
server = (t1[pid][1] - t0[pid][1]) / tck
pg = sum(v[1] - t0[k][1] for k, v in t1.items() if k in t0 and k != pid) / tck
for l in res.splitlines():
    if any(s in l for s in ('Requests/sec', ' 50%', ' 90%', ' 99%', 'p95 ', 'Non-2xx')): print(l)
print(f'CPU per request: server {server/reqs*1e6:.0f} us, PostgreSQL {pg/reqs*1e6:.0f} us ({reqs} requests)')
print(open('/proc/loadavg').read().strip())
