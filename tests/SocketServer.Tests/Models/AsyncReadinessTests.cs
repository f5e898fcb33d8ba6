using System.Buffers;
using System.Collections.Concurrent;
using SocketServer.EventDriven;
using SocketServer.Sessions;
using SocketServer.Tests.Support;

namespace SocketServer.Tests.Models;

/// <summary>Where the async model waits for bytes: on Linux, its own epoll rather than .NET's socket engine.</summary>
public sealed class AsyncReadinessTests
{
    [Fact]
    public async Task On_linux_a_waiting_plain_connection_is_resumed_by_the_servers_own_epoll_thread()
    {
        // Elsewhere the model waits with .NET's zero-byte receive, on the runtime's own threads.
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the async model has its own epoll only on Linux");

        var sessions = new ThreadRecordingSessions();
        using var server = new AsyncServer(ServerFactory.AnyLoopbackPort, sessions);
        server.Start();
        using var client = await TestClient.ConnectAsync(server.LocalEndPoint);

        // A request that arrives before the loop waits is served by whichever thread ran the loop (the first one,
        // or one that beats an edge already seen); one that finds it waiting, by the reactor. Among 20 round
        // trips, where the client takes far longer to answer than the server to wait again, some must be.
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("cba", await client.RoundTripAsync("abc"));
        }

        Assert.Contains(sessions.ThreadNames, name => name?.StartsWith("async-epoll-", StringComparison.Ordinal) == true);
    }

    private sealed class ThreadRecordingSessions : ISessionFactory
    {
        private readonly ConcurrentQueue<string?> _threadNames = new();

        public IReadOnlyCollection<string?> ThreadNames => _threadNames;

        public ISession CreateSession(ConnectionContext connection) => new Recording(this);

        private sealed class Recording(ThreadRecordingSessions owner) : ISession
        {
            private readonly LineReverseSession _inner = new();

            public SessionStatus Process(ref ReadOnlySequence<byte> input, bool inputCompleted, IBufferWriter<byte> output)
            {
                if (!input.IsEmpty)
                {
                    owner._threadNames.Enqueue(Thread.CurrentThread.Name);
                }

                return _inner.Process(ref input, inputCompleted, output);
            }
        }
    }
}
