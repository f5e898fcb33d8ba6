using System.Diagnostics;
using Xunit;

namespace TestSupport;

/// <summary>Waits for a condition another thread will make true, bounded in time: never a fixed sleep.</summary>
public static class Eventually
{
    /// <summary>How long <see cref="TrueAsync(Func{bool}, string)"/> waits before it fails the test.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromMilliseconds(50);

    /// <summary>Returns once <paramref name="condition"/> holds; fails the test after <see cref="DefaultTimeout"/>.</summary>
    public static Task TrueAsync(Func<bool> condition, string what) => TrueAsync(condition, DefaultTimeout, what);

    /// <summary>Returns once <paramref name="condition"/> holds; fails the test after <paramref name="timeout"/>.</summary>
    public static async Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        var poll = FirstPoll;
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"Timed out after {timeout} waiting until {what}.");
            }

            // Polls fast at first (most conditions hold within milliseconds), then less often for the slow ones.
            await Task.Delay(poll);
            poll = poll * 2 < LongestPoll ? poll * 2 : LongestPoll;
        }
    }
}
