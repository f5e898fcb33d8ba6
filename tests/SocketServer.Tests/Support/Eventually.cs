using System.Diagnostics;

namespace SocketServer.Tests.Support;

/// <summary>Waits for a condition another thread will make true, bounded in time: never a fixed sleep.</summary>
internal static class Eventually
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(5);

    /// <summary>Returns once <paramref name="condition"/> holds; fails the test after <see cref="TestClient.Timeout"/>.</summary>
    public static async Task TrueAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TestClient.Timeout)
            {
                Assert.Fail($"Timed out after {TestClient.Timeout} waiting until {what}.");
            }

            await Task.Delay(PollEvery);
        }
    }
}
