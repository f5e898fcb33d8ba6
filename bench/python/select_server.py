"""The lab's select() server (guião 4, section 2) doing SharedList's job, as a reference for `sharedlist bench`.

One thread, select.select over the listening socket and every client socket, one shared list: the seed's loop,
written as well as the lab's students could at their best. Requests are lines: a recv may carry several of them
or part of one, so each connection keeps the unfinished tail of its last read, and all the replies to one read
go out in one sendall.

    LIST            -> str(lista)
    CLEAR           -> Lista apagada
    any other line  -> Ack (the line is appended, decoded from UTF-8)

Usage: python3 select_server.py [PORT]. It binds 127.0.0.1 (port 0 picks a free one) and prints the readiness
line of `sharedlist serve`, "listening on 127.0.0.1:PORT (python-select)", which is how the bench learns the port.

As in the seed, client sockets block and replies are sent with sendall: a client that stops reading stalls
every other one. There are no limits on line length or list size either. It is a yardstick, not a server to
expose; and select() cannot watch descriptors past 1023, so it tops out below 1,020 clients.
"""
import select
import socket
import sys

ACK = b'Ack\n'
CLEARED = b'Lista apagada\n'
INVALID_UTF8 = b'ERR invalid UTF-8\n'


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 9999
    listen_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listen_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listen_socket.bind(('127.0.0.1', port))
    listen_socket.listen(1024)  # the bench connects hundreds of clients at once
    print('listening on 127.0.0.1:%d (python-select)' % listen_socket.getsockname()[1], flush=True)

    lista = []
    tails = {}  # client socket -> the bytes of its unfinished last line
    socket_list = [listen_socket]

    def drop(sckt):
        socket_list.remove(sckt)
        del tails[sckt]
        sckt.close()

    while True:
        readable, _, _ = select.select(socket_list, [], [])
        for sckt in readable:
            if sckt is listen_socket:
                try:
                    conn_sock, _ = listen_socket.accept()
                except OSError:  # gone before it was accepted
                    continue
                # As our servers do: a reply goes out at once, not held back waiting for an ACK.
                conn_sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                socket_list.append(conn_sock)
                tails[conn_sock] = b''
                continue

            try:
                data = sckt.recv(65536)
            except OSError:
                data = b''
            if not data:  # the client closed, or vanished
                drop(sckt)
                continue
            lines = (tails[sckt] + data).split(b'\n')
            tails[sckt] = lines.pop()
            replies = []
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
                    sckt.sendall(b''.join(replies))
                except OSError:
                    drop(sckt)


if __name__ == '__main__':
    try:
        main()
    except KeyboardInterrupt:
        pass
