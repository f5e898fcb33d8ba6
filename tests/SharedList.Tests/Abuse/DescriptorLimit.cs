using System.Diagnostics;

namespace SharedList.Tests.Abuse;

/// <summary>Lowers another process's open-file limit with util-linux's <c>prlimit</c>, as an operator (or a bad ulimit) would.</summary>
internal static class DescriptorLimit
{
    public static async Task SetAsync(int pid, int limit)
    {
        var info = new ProcessStartInfo("prlimit") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "--pid", $"{pid}", $"--nofile={limit}:{limit}" })
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("prlimit did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("prlimit (util-linux) is needed: apt-get install util-linux (.ci/run installs it)", e);
        }

        using (process)
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            var error = process.StandardError.ReadToEndAsync(deadline.Token);
            await process.WaitForExitAsync(deadline.Token);
            Assert.True(process.ExitCode == 0, $"prlimit failed: {await error}");
        }
    }
}
