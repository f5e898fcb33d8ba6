using System.Diagnostics;

namespace SharedList.Tests.Abuse;

/// <summary>Lowers another process's open-file limit with util-linux's <c>prlimit</c>, as an operator (or a bad ulimit) would.</summary>
internal static class DescriptorLimit
{
    /// <summary>Sets process <paramref name="pid"/>'s soft and hard open-file limits with the prlimit at <paramref name="prlimit"/>.</summary>
    public static async Task SetAsync(string prlimit, int pid, int limit)
    {
        var info = new ProcessStartInfo(prlimit) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "--pid", $"{pid}", $"--nofile={limit}:{limit}" })
        {
            info.ArgumentList.Add(argument);
        }

        using (var process = Process.Start(info) ?? throw new InvalidOperationException("prlimit did not start"))
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            try
            {
                var error = process.StandardError.ReadToEndAsync(deadline.Token);
                await process.WaitForExitAsync(deadline.Token);
                Assert.True(process.ExitCode == 0, $"prlimit failed: {await error}");
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill();
                }
            }
        }
    }
}
