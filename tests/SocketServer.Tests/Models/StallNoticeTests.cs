using System.Buffers;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SocketServer.Sessions;
using SocketServer.Tests.Support;

namespace SocketServer.Tests.Models;

/// <summary>
/// A stalled connection whose session can say why is logged once, soon, while the client still waits, and again
/// in the line that closes it; on every model.
/// </summary>
public sealed class StallNoticeTests : IDisposable
{
    private const int StalledEventId = 20;
    private const int ClosedWithDescriptionEventId = 21;
    private static readonly TimeSpan Notice = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(1);

    private readonly RecordingLogger _log = new();
    private IServer? _server;

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task A_stall_the_session_explains_is_logged_once_before_the_close_which_explains_it_too(ServerModel model)
    {
        var server = Start(model);
        using var client = await TestClient.ConnectAsync(server.LocalEndPoint);
        var started = Stopwatch.StartNew();

        await client.SendAsync("half");
        await Eventually.TrueAsync(() => Logged(StalledEventId).Length == 1, "the stall to be logged");

        Assert.True(started.Elapsed < Stall, $"the notice took {started.Elapsed}, as long as the stall bound");
        var notice = Logged(StalledEventId)[0];
        Assert.Equal(LogLevel.Warning, notice.Level);
        Assert.Contains($"Client {client.Socket.LocalEndPoint} has made no progress for 0.1 s: holds 4 byte(s) of a message", notice.Message, StringComparison.Ordinal);

        // Still served: the notice closes nothing.
        await client.SendAsync("\n");
        Assert.Equal(LineReverseSession.Reply("half"), await client.ReadLineAsync());

        // Once per connection: the next stall is told only by the close.
        await client.SendAsync("more");
        await Eventually.TrueAsync(() => Logged(ClosedWithDescriptionEventId).Length == 1, "the stalled connection to be closed");
        Assert.Contains($"Closing {client.Socket.LocalEndPoint}: it made no progress for 1 s: holds 4 byte(s) of a message", Logged(ClosedWithDescriptionEventId)[0].Message, StringComparison.Ordinal);
        Assert.Single(Logged(StalledEventId));
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task A_stall_the_session_does_not_explain_is_not_logged_until_the_close(ServerModel model)
    {
        var server = Start(model, describe: false);
        using var client = await TestClient.ConnectAsync(server.LocalEndPoint);

        await client.SendAsync("half");
        await Eventually.TrueAsync(() => _log.Entries.Any(e => e.Message.Contains("made no progress", StringComparison.Ordinal)), "the stalled connection to be closed");

        Assert.Empty(Logged(StalledEventId));
        Assert.Empty(Logged(ClosedWithDescriptionEventId));
    }

    public void Dispose()
    {
        _server?.Abort();
        _server?.Dispose();
    }

    private IServer Start(ServerModel model, bool describe = true)
    {
        var options = new ServerOptions { StallNotice = Notice, StallTimeout = Stall, PoolWorkers = Support.ServerFactory.PoolWorkers };
        _server = ServerModels.Create(model, Support.ServerFactory.AnyLoopbackPort, new Sessions(describe), options, _log);
        _server.Start();
        return _server;
    }

    private LogEntry[] Logged(int eventId) => [.. _log.Entries.Where(e => e.EventId.Id == eventId)];

    /// <summary>Line-reverse sessions that, when <c>describe</c>, say how much of a message a stalled connection holds.</summary>
    private sealed class Sessions(bool describe) : ISessionFactory
    {
        public ISession CreateSession(ConnectionContext connection) => describe ? new DescribingSession() : new LineReverseSession();
    }

    private sealed class DescribingSession : ISession, IStallDescriber
    {
        private readonly LineReverseSession _lines = new();

        public SessionStatus Process(ref ReadOnlySequence<byte> input, bool inputCompleted, IBufferWriter<byte> output) =>
            _lines.Process(ref input, inputCompleted, output);

        public string? DescribeStall(ConnectionStall stall) => stall.UnconsumedBytes > 0 ? $"holds {stall.UnconsumedBytes} byte(s) of a message" : null;
    }
}
