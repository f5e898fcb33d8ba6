"""The lab's socketserver.ThreadingTCPServer (guião 4, part 2; exercise 8) doing SharedList's job, as a reference
for `sharedlist bench`.

A thread per connection, each running a StreamRequestHandler; one shared list behind a lock. Requests are
lines: a read may carry several of them or part of one, so the handler keeps the unfinished tail of its last
read, and all the replies to one read go out in one write.

    LIST            -> str(lista)
    CLEAR           -> Lista apagada
    any other line  -> Ack (the line is appended, decoded from UTF-8)

Usage: python3 threading_server.py [PORT]. It binds 127.0.0.1 (port 0 picks a free one) and prints the
readiness line of `sharedlist serve`, "listening on 127.0.0.1:PORT (python-threading)", which is how the bench
learns the port. There are no limits on line length or list size: it is a yardstick, not a server to expose.
"""
import socketserver
import sys
import threading

ACK = b'Ack\n'
CLEARED = b'Lista apagada\n'
INVALID_UTF8 = b'ERR invalid UTF-8\n'

lista = []
lista_lock = threading.Lock()


class ListaHandler(socketserver.StreamRequestHandler):
    # As our servers do: a reply goes out at once, not held back waiting for an ACK.
    disable_nagle_algorithm = True

    def handle(self):
        tail = b''
        while True:
            try:
                # read1: whatever has arrived, in one recv, rather than a readline() and a write per request.
                data = self.rfile.read1(65536)
            except ConnectionError:
                break
            if not data:
                break
            lines = (tail + data).split(b'\n')
            tail = lines.pop()
            replies = []
            # One acquisition per read rather than per line: a batch costs one lock round trip, not many.
            with lista_lock:
                for line in lines:
                    if line.endswith(b'\r'):
                        line = line[:-1]
                    if line == b'LIST':
                        replies.append(str(lista).encode() + b'\n')
                    elif line == b'CLEAR':
                        lista.clear()
                        replies.append(CLEARED)
                    else:
                        try:
                            lista.append(line.decode())
                        except UnicodeDecodeError:
                            replies.append(INVALID_UTF8)
                            continue
                        replies.append(ACK)
            if replies:
                try:
                    self.wfile.write(b''.join(replies))  # unbuffered: one sendall
                except ConnectionError:
                    break


class ListaServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    # The backlog: the bench connects hundreds of clients at once, faster than one thread accepts them.
    request_queue_size = 1024


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 9999
    with ListaServer(('127.0.0.1', port), ListaHandler) as server:
        print('listening on 127.0.0.1:%d (python-threading)' % server.server_address[1], flush=True)
        server.serve_forever()


if __name__ == '__main__':
    try:
        main()
    except KeyboardInterrupt:
        pass
