using System.Diagnostics;
using System.Net;
using ReverseEcho;
using SocketServer.Tests.Support;

namespace SocketServer.Tests.Examples;

/// <summary>The shipped reverse-echo example: its handler on a server, and the real program as a process.</summary>
public sealed class ReverseEchoTests
{
    private const string ListeningPrefix = "listening on ";

    [Theory]
    [InlineData("hello", "olleh")]
    [InlineData("ação", "oãça")]
    [InlineData("a👍🏽b", "b👍🏽a")]
    [InlineData("e\u0301x", "xe\u0301")]
    [InlineData("", "")]
    public void Reverses_text_by_whole_characters(string text, string reversed)
        => Assert.Equal(reversed, ReverseHandler.Reverse(text));

    [Fact]
    public async Task Its_handler_reverses_several_lines_on_one_connection()
    {
        using var server = new ThreadingTcpServer(ServerFactory.AnyLoopbackPort, () => new ReverseHandler());
        server.Start();
        using var client = await TestClient.ConnectAsync(server.ServerAddress);

        foreach (var line in new[] { "hello", "ação", "slides 👍", "x", "" })
        {
            Assert.Equal(ReverseHandler.Reverse(line), await client.RoundTripAsync(line));
        }

        // A line is decoded whole, so a character split across two sends arrives intact: "ç" is C3 A7 in UTF-8.
        await client.SendAsync(new byte[] { (byte)'a', 0xC3 });
        await client.SendAsync(new byte[] { 0xA7, (byte)'b', (byte)'\n' });
        Assert.Equal("bça", await client.ReadLineAsync());
    }

    [Fact]
    public async Task The_program_serves_until_killed()
    {
        using var process = StartExample();
        try
        {
            var endPoint = await ReadListeningEndPointAsync(process);
            using var client = await TestClient.ConnectAsync(endPoint);
            Assert.Equal("ssecorp a morf", await client.RoundTripAsync("from a process"));
        }
        finally
        {
            await EnsureGoneAsync(process);
        }

        Assert.True(process.HasExited);
    }

    [Fact]
    public async Task The_program_stops_cleanly_on_Ctrl_C()
    {
        using var process = StartExample();
        try
        {
            var endPoint = await ReadListeningEndPointAsync(process);
            using var client = await TestClient.ConnectAsync(endPoint);
            Assert.Equal("lrtc", await client.RoundTripAsync("ctrl"));

            await SendSigIntAsync(process.Id);

            await process.WaitForExitAsync().WaitAsync(TestClient.Timeout);
            Assert.Equal(0, process.ExitCode);
            var (rest, _) = await client.ReadUntilClosedAsync();
            Assert.Empty(rest);
        }
        finally
        {
            await EnsureGoneAsync(process);
        }
    }

    private static Process StartExample()
    {
        // The example is referenced by this project, so its ReverseEcho.dll and runtimeconfig are built next to us.
        var dll = Path.Combine(AppContext.BaseDirectory, "ReverseEcho.dll");
        Assert.True(File.Exists(dll), $"{dll} was not built");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("0");
        return Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
    }

    private static async Task<IPEndPoint> ReadListeningEndPointAsync(Process process)
    {
        using var timeout = new CancellationTokenSource(TestClient.Timeout);
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        Assert.NotNull(line);
        Assert.StartsWith(ListeningPrefix, line);
        var endPoint = IPEndPoint.Parse(line[ListeningPrefix.Length..]);
        Assert.Equal(IPAddress.Loopback, endPoint.Address);
        Assert.NotEqual(0, endPoint.Port);
        return endPoint;
    }

    private static async Task SendSigIntAsync(int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-INT", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("kill did not start");
        await kill.WaitForExitAsync().WaitAsync(TestClient.Timeout);
        Assert.Equal(0, kill.ExitCode);
    }

    private static async Task EnsureGoneAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync().WaitAsync(TestClient.Timeout);
    }
}
