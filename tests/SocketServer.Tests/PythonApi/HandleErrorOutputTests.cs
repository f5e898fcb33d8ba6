using System.Net;
using System.Text;
using SocketServer.Tests.Support;

namespace SocketServer.Tests.PythonApi;

/// <summary>The console's error writer is the process's: these tests run alone, so no other test writes to it meanwhile.</summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class StandardErrorCollection;

/// <summary>CPython's <c>handle_error</c> without a logger: the exception and the client's address on standard error.</summary>
[Collection(typeof(StandardErrorCollection))]
public sealed class HandleErrorOutputTests
{
    [Fact]
    public async Task Without_a_logger_a_handlers_exception_goes_to_standard_error_with_the_clients_address()
    {
        var errors = new SynchronizedWriter();
        var original = Console.Error;
        Console.SetError(errors);
        try
        {
            using var server = new TcpServer(ServerFactory.AnyLoopbackPort, () => new FailingHandler());
            server.Start();
            using var client = await TestClient.ConnectAsync(server.ServerAddress);
            await client.SendAsync("boom\n");
            var (data, _) = await client.ReadUntilClosedAsync();
            Assert.Empty(data);

            await Eventually.TrueAsync(() => errors.Text.Contains("----------------------------------------\n", StringComparison.Ordinal) && errors.Text.Split("----------------------------------------\n").Length >= 3, "the report is written whole");
            var text = errors.Text;
            Assert.Contains($"Exception occurred during processing of request from {(IPEndPoint)client.Socket.LocalEndPoint!}", text, StringComparison.Ordinal);
            Assert.Contains("System.InvalidOperationException: boom", text, StringComparison.Ordinal);
            Assert.Contains(nameof(FailingHandler), text, StringComparison.Ordinal);
        }
        finally
        {
            Console.SetError(original);
        }
    }

    [Fact]
    public async Task With_a_logger_the_exception_is_logged_and_standard_error_stays_empty()
    {
        var errors = new SynchronizedWriter();
        var original = Console.Error;
        Console.SetError(errors);
        try
        {
            var log = new RecordingLogger();
            using var server = new TcpServer(ServerFactory.AnyLoopbackPort, () => new FailingHandler(), logger: log);
            server.Start();
            using var client = await TestClient.ConnectAsync(server.ServerAddress);
            await client.SendAsync("boom\n");
            var (data, _) = await client.ReadUntilClosedAsync();
            Assert.Empty(data);

            await Eventually.TrueAsync(() => log.Errors.Any(), "the error is logged");
            Assert.Empty(errors.Text);
        }
        finally
        {
            Console.SetError(original);
        }
    }

    private sealed class FailingHandler : LineHandler
    {
        protected override string Answer(string line) => throw new InvalidOperationException(line);
    }

    private sealed class SynchronizedWriter : StringWriter
    {
        private readonly Lock _lock = new();

        public string Text
        {
            get
            {
                lock (_lock)
                {
                    return ToString();
                }
            }
        }

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_lock)
            {
                base.Write(value);
            }
        }

        public override void Write(string? value)
        {
            lock (_lock)
            {
                base.Write(value);
            }
        }
    }
}
