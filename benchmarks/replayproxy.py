# -*- coding: utf-8 -*-
"""
A latency proxy for benchmarks at fleet scale, in a process of its own.

    python benchmarks/replayproxy.py UPSTREAM_PORT LATENCY_JSON

It listens on a free loopback port (printed on its first line of output),
takes boto's proxied requests (absolute URLs with the real AWS host names),
waits the round trip of the request's region (read from the Host header,
``LATENCY_JSON`` maps region to seconds), and answers.

moto answers each distinct request once: the proxy keeps moto's reply to a
request (keyed by host, path, account and parameters, without the signature
and timestamps) and replays it. At thousands of calls on two cores, moto's
own CPU (a Flask app building XML, several milliseconds a call) would
otherwise be what a benchmark measures, not the client. The benchmark warms
every call once before it starts the clock. A line on its standard input
asks how many requests went to moto and how many were replayed (a JSON
line of output). It stops when its standard input closes (its parent
ended), and never reaches past 127.0.0.1.
Python 3 (asyncio): one event loop serves every connection.
"""
import asyncio
import http.client as httplib
import json
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qsl, urlsplit

_REGION = re.compile(r'([a-z]{2}(?:-gov)?-[a-z]+-\d)')

# Request parameters that change with every call of the same request.
_VOLATILE = frozenset(['Timestamp', 'Signature', 'SignatureMethod',
                       'SignatureVersion', 'Expires', 'SecurityToken'])

_HOP_BY_HOP = frozenset(['connection', 'keep-alive', 'transfer-encoding',
                         'content-length', 'proxy-connection'])


def region_of(host):
    match = _REGION.search(host)
    return match.group(1) if match else 'us-east-1'


def request_key(method, target, headers, body):
    """What makes two requests the same request to moto."""
    parts = urlsplit(target)
    params = parse_qsl(parts.query, keep_blank_values=True)
    if body and 'json' not in headers.get('content-type', ''):
        params += parse_qsl(body.decode('latin-1'), keep_blank_values=True)
    elif body:
        params.append(('json', body.decode('latin-1')))
    params = sorted(p for p in params if p[0] not in _VOLATILE and
                    not p[0].startswith('X-Amz-'))
    credential = re.search(r'Credential=([^/]+)/',
                           headers.get('authorization', ''))
    return (method, headers.get('host', parts.netloc), parts.path,
            credential.group(1) if credential else None, tuple(params))


class ReplayProxy(object):
    """One event loop for every connection: a benchmark opens thousands of
    keep-alive connections, and a thread each would cost the proxy more
    CPU than the client it measures."""

    def __init__(self, upstream_port, latency):
        self.upstream_port = upstream_port
        self.latency = latency
        self.replies = {}
        self.forwarding = ThreadPoolExecutor(8)
        #: Requests answered by moto, and replayed.
        self.counts = {'forwarded': 0, 'replayed': 0}

    async def serve(self, reader, writer):
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    return
                method, target, headers, body = request
                key = request_key(method, target, headers, body)
                reply = self.replies.get(key)
                self.counts['replayed' if reply else 'forwarded'] += 1
                if reply is None:
                    reply, ok = await asyncio.get_running_loop(
                    ).run_in_executor(self.forwarding, _forward,
                                      self.upstream_port, method, target,
                                      headers, body)
                    if ok:
                        self.replies[key] = reply
                delay = self.latency.get(
                    region_of(headers.get('host', target)), 0)
                if delay:
                    await asyncio.sleep(delay)
                writer.write(reply)
                await writer.drain()
        except (OSError, ValueError, asyncio.IncompleteReadError):
            return
        finally:
            writer.close()


async def _read_request(reader):
    line = await reader.readline()
    if not line.strip():
        return None
    method, target = line.decode('latin-1').split()[:2]
    headers = {}
    while True:
        line = await reader.readline()
        if not line or line in (b'\r\n', b'\n'):
            break
        name, _, value = line.decode('latin-1').partition(':')
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get('content-length') or 0)
    body = await reader.readexactly(length) if length else b''
    return method, target, headers, body


def _forward(upstream_port, method, target, headers, body):
    upstream = httplib.HTTPConnection('127.0.0.1', upstream_port,
                                      timeout=120)
    try:
        sent = dict((k, v) for k, v in headers.items()
                    if k not in _HOP_BY_HOP)
        upstream.request(method, target, body, sent)
        response = upstream.getresponse()
        data = response.read()
    finally:
        upstream.close()
    lines = ['HTTP/1.1 %d %s' % (response.status, response.reason)]
    lines += ['%s: %s' % (k, v) for k, v in response.getheaders()
              if k.lower() not in _HOP_BY_HOP]
    lines += ['Content-Length: %d' % len(data), 'Connection: keep-alive']
    head = ('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1')
    return head + data, response.status < 400


def main():
    upstream_port = int(sys.argv[1])
    with open(sys.argv[2]) as handle:
        latency = json.load(handle)
    proxy = ReplayProxy(upstream_port, latency)
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(asyncio.start_server(
        proxy.serve, '127.0.0.1', 0, backlog=4096))
    print(server.sockets[0].getsockname()[1])
    sys.stdout.flush()
    # Serve until the benchmark closes standard input (or ends); a line
    # on it asks for the counts so far, as JSON on a line of output.
    loop.add_reader(sys.stdin.fileno(), _command, loop, proxy)
    loop.run_forever()
    # Clients may still hold connections: end without tearing each down.
    sys.stdout.flush()
    os._exit(0)


def _command(loop, proxy):
    if not sys.stdin.readline():
        loop.stop()
        return
    print(json.dumps(proxy.counts))
    sys.stdout.flush()


if __name__ == '__main__':
    main()
