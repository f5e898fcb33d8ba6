# The course's Servidor.py as exercise 8 asks for it: socketserver.ThreadingTCPServer, a connection kept
# open per client, one shared list. For the tests it binds 127.0.0.1 on a free port and prints that port.
import socketserver

lista = []

class ListaHandler(socketserver.BaseRequestHandler):
    def handle(self):
        global lista
        while True:
            msg = self.request.recv(1024)
            if not msg:
                break
            resp = 'Ack'

            if msg.decode() == 'LIST':
                resp = str(lista)
            elif msg.decode() == 'CLEAR':
                lista = []
                resp = "Lista apagada"
            else:
                lista.append(msg.decode())

            self.request.sendall(resp.encode())

socketserver.ThreadingTCPServer.allow_reuse_address = True
socketserver.ThreadingTCPServer.daemon_threads = True
with socketserver.ThreadingTCPServer(('127.0.0.1', 0), ListaHandler) as server:
    print(server.server_address[1], flush=True)
    server.serve_forever()
