/*
 * uring-ceiling: the ceiling (ceiling.c) on io_uring instead of epoll, to measure whether batching the system
 * calls of many connections into one io_uring_enter lowers the server's CPU per request on this machine. It
 * did not (docs/BENCHMARKS.md, "Where we are behind"), so the bench does not spawn it; it is kept so that the
 * measurement can be repeated.
 *
 * Same replies as ceiling.c (its framing is reused by including it). Per connection, one receive is always
 * queued; when it completes, the replies go out in one send, linked to the connection's next receive. The
 * loop submits everything queued and waits for completions in one call (io_uring_submit_and_wait), with
 * IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN so completions run only then, on this thread.
 * Sends are assumed to go whole, as they do on loopback for replies this small; a failed one ends the
 * connection (its linked receive completes with -ECANCELED).
 *
 * Build: apt-get install liburing-dev && gcc -O2 -o uring-ceiling uring-ceiling.c -luring
 * Run:   taskset -c 1 ./uring-ceiling 0   (prints "listening on 127.0.0.1:PORT (uring-ceiling)"), then
 *        taskset -c 0 sharedlist bench --port PORT --connections 50 --duration 8, reading the server's CPU
 *        time from /proc/PID/stat before and after.
 */
#define main epoll_ceiling_main
#include "ceiling.c"
#undef main

#include <liburing.h>

/* One receive's worth: a batch of 16 pipelined appends is about 300 bytes. */
#define URING_READ_SIZE 4096

struct uring_conn {
    struct conn state; /* ceiling.c's framing state (fd, unfinished line) */
    char in[URING_READ_SIZE];
    char out[4 * URING_READ_SIZE + 16];
};

enum { OP_ACCEPT = 1, OP_RECV = 2, OP_SEND = 3 };

static struct io_uring ring;

static unsigned long long op_data(int op, void *ptr) { return ((unsigned long long)(uintptr_t)ptr << 2) | (unsigned)op; }

static struct io_uring_sqe *next_sqe(void)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
    if (!sqe) { /* the submission queue is full: hand it to the kernel and take a fresh slot */
        io_uring_submit(&ring);
        sqe = io_uring_get_sqe(&ring);
    }
    return sqe;
}

static void queue_accept(int listener)
{
    struct io_uring_sqe *sqe = next_sqe();
    io_uring_prep_multishot_accept(sqe, listener, NULL, NULL, 0);
    io_uring_sqe_set_data64(sqe, op_data(OP_ACCEPT, NULL));
}

static void queue_recv(struct uring_conn *c)
{
    struct io_uring_sqe *sqe = next_sqe();
    io_uring_prep_recv(sqe, c->state.fd, c->in, URING_READ_SIZE, 0);
    io_uring_sqe_set_data64(sqe, op_data(OP_RECV, c));
}

static void on_received(struct uring_conn *c, int received)
{
    if (received <= 0) {
        close(c->state.fd);
        free(c);
        return;
    }
    size_t len = frame(&c->state, c->in, (size_t)received, c->out);
    if (len > 0) {
        /* The next receive starts once the send is done: the reply buffer is then free again. */
        struct io_uring_sqe *sqe = next_sqe();
        io_uring_prep_send(sqe, c->state.fd, c->out, len, MSG_NOSIGNAL);
        io_uring_sqe_set_data64(sqe, op_data(OP_SEND, c));
        sqe->flags |= IOSQE_IO_LINK | IOSQE_CQE_SKIP_SUCCESS;
    }
    queue_recv(c);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s PORT   (0 picks a free port)\n", argv[0]);
        return 2;
    }
    struct io_uring_params params = { .flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_CQSIZE,
                                      .cq_entries = 65536 };
    int rc = io_uring_queue_init_params(4096, &ring, &params);
    if (rc < 0) {
        fprintf(stderr, "uring-ceiling: io_uring_queue_init: %s\n", strerror(-rc));
        return 1;
    }
    int listener = listen_and_announce(argv[1], 0, "uring-ceiling");
    if (listener < 0)
        return 1;
    int one = 1;

    queue_accept(listener);
    for (;;) {
        io_uring_submit_and_wait(&ring, 1);
        struct io_uring_cqe *cqe;
        unsigned head, seen = 0;
        io_uring_for_each_cqe(&ring, head, cqe) {
            seen++;
            unsigned long long data = cqe->user_data;
            void *ptr = (void *)(uintptr_t)(data >> 2);
            switch (data & 3) {
            case OP_ACCEPT:
                if (cqe->res >= 0) {
                    setsockopt(cqe->res, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct uring_conn *c = calloc(1, sizeof *c);
                    if (!c) {
                        close(cqe->res);
                    } else {
                        c->state.fd = cqe->res;
                        queue_recv(c);
                    }
                }
                if (!(cqe->flags & IORING_CQE_F_MORE)) /* the multishot accept ended: start another */
                    queue_accept(listener);
                break;
            case OP_RECV:
                on_received(ptr, cqe->res);
                break;
            default:
                /* A failed send (successful ones post nothing): its linked receive ends the connection. */
                break;
            }
        }
        io_uring_cq_advance(&ring, seen);
    }
}
