# The course's Servidor.py (lab guide 4, exercise 1), unchanged: one message per connection, then it closes it.
import sys, socket as s

HOST = 'localhost'
if len(sys.argv) > 1:
    PORT = int(sys.argv[1])
else:
    PORT = 9999

sock = s.socket(s.AF_INET, s.SOCK_STREAM)
sock.setsockopt(s.SOL_SOCKET, s.SO_REUSEADDR, 1)
sock.bind((HOST, PORT))
sock.listen(1)

lista = []

while True:
    try:
        (conn_sock, addr) = sock.accept()
        msg = conn_sock.recv(1024)
        resp = 'Ack'

        if msg.decode() == 'LIST':
            resp = str(lista)
        elif msg.decode() == 'CLEAR':
            lista = []
            resp = "Lista apagada"
        else:
            lista.append(msg.decode())

        conn_sock.sendall(resp.encode())

        print ('lista= %s' % lista)
        conn_sock.close()
    except KeyboardInterrupt:
        break
    except:
        print(sys.exc_info())
        conn_sock.close()

sock.close()
