#!/usr/bin/env python3
#
# Copyright (c) 2026 The xennetd authors
#
# Permission to use, copy, modify, and distribute this software for any
# purpose with or without fee is hereby granted, provided that the above
# copyright notice and this permission notice appear in all copies.
#
# THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
# WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
# MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
# ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
# WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
# ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
# OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
#
# xs-proxy.py LISTEN TARGET: pass xenstore connections made to the unix
# socket LISTEN on to TARGET (xenstored-sim), byte for byte.  SIGUSR1
# drops every connection at once, as a xenstored restart or a reset
# connection does, while xenstored keeps its data; SIGUSR2 also refuses
# new connections until the next SIGUSR2.  For t_faults.sh.
import os
import selectors
import signal
import socket
import sys

listen_path, target = sys.argv[1], sys.argv[2]
sel = selectors.DefaultSelector()
peer = {}               # socket -> the socket it forwards to
drop = False
refuse = False


def on_usr1(sig, frame):
    global drop
    drop = True


def on_usr2(sig, frame):
    global refuse
    refuse = not refuse


def close_pair(s):
    p = peer.pop(s, None)
    for x in (s, p):
        if x is None:
            continue
        peer.pop(x, None)
        try:
            sel.unregister(x)
        except (KeyError, ValueError):
            pass
        x.close()


signal.signal(signal.SIGUSR1, on_usr1)
signal.signal(signal.SIGUSR2, on_usr2)
if os.path.exists(listen_path):
    os.unlink(listen_path)
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(listen_path)
srv.listen(16)
sel.register(srv, selectors.EVENT_READ)
while True:
    if drop:
        for s in list(peer):
            close_pair(s)
        drop = False
    for key, _ in sel.select(timeout=0.2):
        s = key.fileobj
        if s is srv:
            c, _ = srv.accept()
            if refuse:
                c.close()
                continue
            t = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                t.connect(target)
            except OSError:
                c.close()
                continue
            peer[c], peer[t] = t, c
            sel.register(c, selectors.EVENT_READ)
            sel.register(t, selectors.EVENT_READ)
            continue
        if s not in peer:
            continue
        try:
            data = s.recv(65536)
        except OSError:
            data = b''
        if not data:
            close_pair(s)
            continue
        try:
            peer[s].sendall(data)
        except OSError:
            close_pair(s)
