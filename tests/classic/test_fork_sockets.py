# -*- coding: utf-8 -*-
"""
A forked child never sends on its parent's sockets, however it reaches a
connection the pool built: through the pool, or through an object boto
returned (a ``Zone`` holds boto's connection, not mangrove's proxy).

The proof is a loopback keep-alive HTTP server that records, for each
request, the client port it came in on and the process that sent it (each
request names its process id in an EC2 filter).
"""
from __future__ import absolute_import

import os
import threading

import pytest
from six.moves import BaseHTTPServer, socketserver
from six.moves.urllib.parse import parse_qs

from mangrove.services import Ec2Pool
from test_fork import run_in_fork

pytestmark = pytest.mark.skipif(not hasattr(os, 'fork'),
                                reason='needs os.fork')

ZONES = (b'<DescribeAvailabilityZonesResponse '
         b'xmlns="http://ec2.amazonaws.com/doc/2014-10-01/">'
         b'<requestId>r</requestId><availabilityZoneInfo><item>'
         b'<zoneName>us-east-1a</zoneName><zoneState>available</zoneState>'
         b'<regionName>us-east-1</regionName><messageSet/></item>'
         b'</availabilityZoneInfo></DescribeAvailabilityZonesResponse>')


class _Handler(BaseHTTPServer.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'   # keep-alive

    def do_POST(self):
        length = int(self.headers.get('Content-Length') or 0)
        form = parse_qs(self.rfile.read(length).decode('utf-8'))
        pid = form.get('Filter.1.Value.1', ['?'])[0]
        with self.server.lock:
            self.server.records.append((self.client_address[1], pid))
        self.send_response(200)
        self.send_header('Content-Type', 'text/xml')
        self.send_header('Content-Length', str(len(ZONES)))
        self.end_headers()
        self.wfile.write(ZONES)

    def log_message(self, format, *args):
        pass


class KeepAliveServer(socketserver.ThreadingMixIn, BaseHTTPServer.HTTPServer):
    daemon_threads = True

    def __init__(self):
        BaseHTTPServer.HTTPServer.__init__(self, ('127.0.0.1', 0), _Handler)
        self.lock = threading.Lock()
        self.records = []

    def ports_of(self, pid):
        with self.lock:
            return set(port for port, who in self.records
                       if who == str(pid))


@pytest.fixture
def server():
    httpd = KeepAliveServer()
    thread = threading.Thread(target=httpd.serve_forever,
                              kwargs={'poll_interval': 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(10)


def zones(conn_or_proxy):
    """Zones, asked by this process (its pid in the request)."""
    return conn_or_proxy.get_all_zones(filters={'zone-name': str(os.getpid())})


def test_forked_child_never_sends_on_the_parents_sockets(server):
    pool = Ec2Pool(connect=True, regions=['us-east-1'],
                   endpoint_url='http://127.0.0.1:%d' % server.server_port,
                   aws_access_key_id='a', aws_secret_access_key='b')
    region = pool.regions.us_east_1
    zone = zones(region)[0]
    # boto's objects hold boto's connection, not mangrove's proxy.
    assert zone.connection is region.connection
    zones(zone.connection)
    parent_ports = server.ports_of(os.getpid())
    assert len(parent_ports) == 1   # one keep-alive socket, reused

    def child():
        zones(zone.connection)            # the object boto returned
        zones(zone.connection)
        zones(pool.regions.us_east_1)     # the pool
        return os.getpid()

    child_pid = run_in_fork(child)

    child_ports = server.ports_of(child_pid)
    assert len(server.records) == 5
    assert child_ports and not child_ports & parent_ports
    # The parent's socket was left open by the child: the parent goes on
    # sending on it, through the pool and through boto's object.
    zones(zone.connection)
    zones(region)
    assert server.ports_of(os.getpid()) == parent_ports
