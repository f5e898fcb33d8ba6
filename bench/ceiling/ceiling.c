/*
 * ceiling: the reference ceiling of `sharedlist bench`. A minimal single-threaded epoll server that speaks
 * just enough of SharedList's line protocol for the bench, and stores nothing:
 *
 *   CLEAR           -> "Lista apagada\n"  (the bench clears the list before each point)
 *   LIST            -> "[]\n"             (the ceiling does not store: its list always looks empty)
 *   any other line  -> "Ack\n"            (appends nothing)
 *
 * What it measures is the socket loop alone on this machine: accept, epoll_wait, read, find the lines, one
 * write per batch of replies. A server that does real work per request cannot beat it on the same core, so
 * the gap between it and a real server is what that server's own work (and runtime) costs.
 *
 * Usage: ceiling PORT. It binds 127.0.0.1 (port 0 picks a free one) and prints the readiness line of
 * `sharedlist serve`, "listening on 127.0.0.1:PORT (ceiling)", which is how the bench learns the port.
 * Build: gcc -O2 -o ceiling ceiling.c (the bench does this itself, once per version of this file).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

/* One read takes whatever a connection pipelined, up to this much: a large buffer means few syscalls. */
#define READ_SIZE (64 * 1024)
/* Replies are at most 4 bytes per input byte ("\n" -> "Ack\n"), plus the 14 of a "CLEAR" whose "\n"
 * arrives alone in the next read. */
#define OUT_SIZE (4 * READ_SIZE + 16)
/* Enough of a line to tell LIST and CLEAR (with an optional trailing \r) from an append. */
#define HEAD 8

struct conn {
    int fd;
    size_t line_len;   /* bytes of the current, unfinished line seen so far (lines may span reads) */
    char head[HEAD];   /* its first bytes */
    char *pending;     /* replies the socket would not take yet; while any remain, the connection is not read */
    size_t pending_len, pending_off;
};

static char in_buf[READ_SIZE];
static char out_buf[OUT_SIZE];

/* The reply to the line just completed; as in our server, one trailing \r is not part of the message. */
static const char *reply_for(const struct conn *c, size_t *len)
{
    size_t n = c->line_len;
    if (n > 0 && n <= HEAD && c->head[n - 1] == '\r')
        n--;
    if (n == 4 && memcmp(c->head, "LIST", 4) == 0)
        return *len = 3, "[]\n";
    if (n == 5 && memcmp(c->head, "CLEAR", 5) == 0)
        return *len = 14, "Lista apagada\n";
    return *len = 4, "Ack\n";
}

/* Frames one read into lines and writes a reply per complete line into out; returns the reply bytes. */
static size_t frame(struct conn *c, const char *in, size_t n, char *out)
{
    const char *end = in + n;
    char *o = out;
    while (in < end) {
        const char *nl = memchr(in, '\n', (size_t)(end - in));
        size_t take = (size_t)((nl ? nl : end) - in);
        if (c->line_len < HEAD) {
            size_t room = HEAD - c->line_len;
            memcpy(c->head + c->line_len, in, take < room ? take : room);
        }
        c->line_len += take;
        if (!nl)
            break;
        size_t len;
        const char *reply = reply_for(c, &len);
        memcpy(o, reply, len);
        o += len;
        c->line_len = 0;
        in = nl + 1;
    }
    return (size_t)(o - out);
}

static void watch(int ep, int op, struct conn *c, unsigned events)
{
    struct epoll_event ev = { .events = events, .data.ptr = c };
    epoll_ctl(ep, op, c->fd, &ev);
}

static void close_conn(struct conn *c)
{
    close(c->fd); /* also removes it from the epoll set */
    free(c->pending);
    free(c);
}

/* Sends what is pending; 0 when all of it went, 1 when the socket is full again, -1 on error. */
static int flush_pending(struct conn *c)
{
    while (c->pending_off < c->pending_len) {
        ssize_t w = send(c->fd, c->pending + c->pending_off, c->pending_len - c->pending_off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return errno == EAGAIN ? 1 : -1;
        c->pending_off += (size_t)w;
    }
    free(c->pending);
    c->pending = NULL;
    c->pending_len = c->pending_off = 0;
    return 0;
}

/* One read, its replies in one send; what the socket does not take waits for EPOLLOUT. */
static void serve(int ep, struct conn *c)
{
    ssize_t r = recv(c->fd, in_buf, READ_SIZE, 0);
    if (r < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (r <= 0) {
        close_conn(c);
        return;
    }
    size_t len = frame(c, in_buf, (size_t)r, out_buf);
    if (len == 0)
        return;
    ssize_t w = send(c->fd, out_buf, len, MSG_NOSIGNAL);
    if (w < 0 && errno != EAGAIN && errno != EINTR) {
        close_conn(c);
        return;
    }
    if (w < 0)
        w = 0;
    if ((size_t)w < len) {
        /* Only the rest is copied: the common case costs no allocation and no copy. */
        c->pending = malloc(len - (size_t)w);
        if (!c->pending) {
            close_conn(c);
            return;
        }
        memcpy(c->pending, out_buf + w, len - (size_t)w);
        c->pending_len = len - (size_t)w;
        c->pending_off = 0;
        watch(ep, EPOLL_CTL_MOD, c, EPOLLOUT); /* stop reading until it drains: the client's back-pressure */
    }
}

static void accept_all(int ep, int listener)
{
    for (;;) {
        int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK);
        if (fd < 0)
            return; /* EAGAIN: all taken. EMFILE and the like: level-triggered, so retried next round */
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); /* as our servers: replies go out at once */
        struct conn *c = calloc(1, sizeof *c);
        if (!c) {
            close(fd);
            continue;
        }
        c->fd = fd;
        watch(ep, EPOLL_CTL_ADD, c, EPOLLIN);
    }
}

/* Listens on 127.0.0.1:PORT (0 picks a free port) and prints the readiness line of `sharedlist serve` with
 * the port bound, which is how the bench learns it. Returns the listener, or -1 after saying why. */
static int listen_and_announce(const char *port, int socket_flags, const char *name)
{
    int listener = socket(AF_INET, SOCK_STREAM | socket_flags, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(port)),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t addr_len = sizeof addr;
    /* A deep backlog: the bench connects hundreds of clients at once. */
    if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(listener, 4096) < 0
        || getsockname(listener, (struct sockaddr *)&addr, &addr_len) < 0) {
        fprintf(stderr, "%s: cannot listen: %s\n", name, strerror(errno));
        return -1;
    }
    printf("listening on 127.0.0.1:%d (%s)\n", ntohs(addr.sin_port), name);
    fflush(stdout);
    return listener;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s PORT   (0 picks a free port)\n", argv[0]);
        return 2;
    }
    int listener = listen_and_announce(argv[1], SOCK_NONBLOCK, "ceiling");
    if (listener < 0)
        return 1;

    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL }; /* NULL marks the listener */
    epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev);
    struct epoll_event events[256];
    for (;;) {
        int n = epoll_wait(ep, events, 256, -1);
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            if (!c) {
                accept_all(ep, listener);
            } else if (c->pending) {
                int rc = flush_pending(c);
                if (rc < 0)
                    close_conn(c);
                else if (rc == 0)
                    watch(ep, EPOLL_CTL_MOD, c, EPOLLIN);
            } else {
                serve(ep, c);
            }
        }
        if (n < 0 && errno != EINTR) {
            perror("ceiling: epoll_wait");
            return 1;
        }
    }
}
