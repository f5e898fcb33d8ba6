using System.Buffers;
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
        if (!OperatingSystem.IsLinux())
        {
            return; // Elsewhere the model waits with .NET's zero-byte receive, on the runtime's own threads.
        }

        var sessions = new ThreadRecordingSessions();
        using var server = new AsyncServer(ServerFactory.AnyLoopbackPort, sessions);
        server.Start();
        using var client = await TestClient.ConnectAsync(server.LocalEndPoint);

        // The first request may have arrived before the connection's loop began; the second finds it waiting.
        Assert.Equal("cba", await client.RoundTripAsync("abc"));
        Assert.Equal("fed", await client.RoundTripAsync("def"));

        Assert.StartsWith("async-epoll-", sessions.LastThreadName);
    }

    private sealed class ThreadRecordingSessions : ISessionFactory
    {
        private volatile string? _lastThreadName;

        public string? LastThreadName => _lastThreadName;

        public ISession CreateSession(ConnectionContext connection) => new Recording(this);

        private sealed class Recording(ThreadRecordingSessions owner) : ISession
        {
            private readonly LineReverseSession _inner = new();

            public SessionStatus Process(ref ReadOnlySequence<byte> input, bool inputCompleted, IBufferWriter<byte> output)
            {
                if (!input.IsEmpty)
                {
                    owner._lastThreadName = Thread.CurrentThread.Name;
                }

                return _inner.Process(ref input, inputCompleted, output);
            }
        }
    }
}
