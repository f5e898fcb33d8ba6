using System.Buffers;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using SharedList.Protocol;
using SharedList.Service;
using SharedList.Stores;
using SharedList.Tests.Support;
using SocketServer.Sessions;

namespace SharedList.Tests.Service;

public class SharedListSessionLoggingTests
{
    [Fact]
    public void At_debug_each_request_is_logged_with_the_resulting_list_as_the_seed_prints_it()
    {
        var logger = new RecordingLogger(LogLevel.Debug);
        var session = Sessions.Create(new MemoryListStore(), logger: logger);
        var input = new ReadOnlySequence<byte>("it's\nx\n"u8.ToArray());

        session.Process(ref input, false, new ArrayBufferWriter<byte>());

        Assert.Equal(2, logger.Entries.Count);
        Assert.All(logger.Entries, e => Assert.Equal(LogLevel.Debug, e.Level));
        Assert.All(logger.Entries, e => Assert.Contains("{List}", e.Template, StringComparison.Ordinal));
        Assert.EndsWith("lista= [\"it's\", 'x']", logger.Entries[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Above_debug_nothing_is_logged_and_the_list_is_not_rendered()
    {
        var logger = new RecordingLogger(LogLevel.Information);
        var store = new CountingStore();
        var session = Sessions.Create(store, logger: logger);
        var input = new ReadOnlySequence<byte>("a\nCLEAR\nb\n\n"u8.ToArray());

        session.Process(ref input, false, new ArrayBufferWriter<byte>());

        Assert.Empty(logger.Entries);
        Assert.Equal(0, store.Reads);
    }

    [Fact]
    public async Task Invalid_UTF_8_is_logged_at_the_default_level_with_the_address_at_most_5_lines_a_second_then_counted()
    {
        var logger = new RecordingLogger(LogLevel.Information);
        var session = Sessions.Create(new MemoryListStore(), logger: logger);
        var bad = Enumerable.Repeat<byte[]>([0xFF, (byte)'\n'], 20).SelectMany(b => b).ToArray();
        var input = new ReadOnlySequence<byte>(bad);

        session.Process(ref input, false, new ArrayBufferWriter<byte>());

        var lines = logger.Entries.Where(e => e.Message.Contains("not valid UTF-8", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, lines.Count);
        Assert.All(lines, e => Assert.Equal(LogLevel.Warning, e.Level));
        Assert.All(lines, e => Assert.Contains("127.0.0.1:50000", e.Message, StringComparison.Ordinal));

        // The rest are reported as one line when their second is over, with no further event needed.
        await Eventually.TrueAsync(
            () => logger.Entries.Any(e => e.Message == "… and 15 more messages of invalid UTF-8 in the last second"),
            TimeSpan.FromSeconds(30),
            "the summary of the lines held back");
    }

    [Fact]
    public void A_message_too_long_is_logged_at_the_default_level_with_the_address()
    {
        var logger = new RecordingLogger(LogLevel.Information);
        var session = Sessions.Create(new MemoryListStore(), maxMessageBytes: 4, logger: logger);
        var input = new ReadOnlySequence<byte>("much too long\n"u8.ToArray());

        session.Process(ref input, false, new ArrayBufferWriter<byte>());

        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Contains("127.0.0.1:50000: message over 4 bytes", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_log_changes_each_change_is_logged_at_information_as_the_lab_prints_it_and_LIST_is_not()
    {
        var logger = new RecordingLogger(LogLevel.Information);
        var factory = new SharedListSessionFactory(new MemoryListStore(), new SharedListOptions { Framing = Framing.Raw, LogChanges = true }, logger);
        var session = factory.CreateSession(new ConnectionContext(1, new IPEndPoint(IPAddress.Loopback, 50000), new IPEndPoint(IPAddress.Loopback, 9999), TransportKind.Stream));

        foreach (var message in new[] { "a", "LIST", "b", "CLEAR" })
        {
            var input = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(message));
            session.Process(ref input, false, new ArrayBufferWriter<byte>());
        }

        Assert.Equal(
            ["127.0.0.1:50000: a -> lista= ['a']", "127.0.0.1:50000: b -> lista= ['a', 'b']", "127.0.0.1:50000: CLEAR -> lista= []"],
            logger.Entries.Select(e => e.Message));
        Assert.All(logger.Entries, e => Assert.Equal(LogLevel.Information, e.Level));
    }
}
