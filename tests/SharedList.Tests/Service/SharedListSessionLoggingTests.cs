using System.Buffers;
using Microsoft.Extensions.Logging;
using SharedList.Stores;
using SharedList.Tests.Support;

namespace SharedList.Tests.Service;

public class SharedListSessionLoggingTests
{
    [Fact]
    public void At_debug_each_request_is_logged_with_the_resulting_list_as_the_seed_prints_it()
    {
        var logger = new RecordingLogger(LogLevel.Debug);
        var session = Sessions.Create(new InMemoryListStore(), logger: logger);
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
        Assert.Equal(0, store.Snapshots);
    }
}
