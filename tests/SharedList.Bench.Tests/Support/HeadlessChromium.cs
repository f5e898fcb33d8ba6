using System.Diagnostics;

namespace SharedList.Bench.Tests.Support;

/// <summary>
/// Debian's <c>chromium</c> as a renderer: screenshots a local page with no network, no profile of its own
/// (a fresh <c>--user-data-dir</c> each time) and a time limit, after which the whole process tree is killed.
/// </summary>
internal static class HeadlessChromium
{
    /// <summary>Renders <paramref name="html"/> in a window of the given size and returns the PNG's bytes.</summary>
    public static async Task<byte[]> ScreenshotAsync(string chromium, string html, int width, int height, TimeSpan timeout)
    {
        var work = Directory.CreateTempSubdirectory("sharedlist-chromium-");
        try
        {
            var png = Path.Combine(work.FullName, "shot.png");
            var start = new ProcessStartInfo(chromium)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", $"--user-data-dir={Path.Combine(work.FullName, "profile")}",
                $"--window-size={width},{height}", $"--screenshot={png}", new Uri(html).AbsoluteUri,
            })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start");
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var limit = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"chromium did not finish within {timeout.TotalSeconds} s; stderr: {await Drain(error)}");
            }
            finally
            {
                // Renderer and GPU helpers must not outlive the test, whether it finished or not.
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }

            if (!File.Exists(png))
            {
                throw new InvalidOperationException($"chromium exited {process.ExitCode} without a screenshot; stdout: {await output}; stderr: {await error}");
            }

            return await File.ReadAllBytesAsync(png);
        }
        finally
        {
            try
            {
                work.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A helper that is still exiting may hold a file of the profile; the temp directory is reclaimed later.
            }
        }
    }

    private static async Task<string> Drain(Task<string> text) =>
        await Task.WhenAny(text, Task.Delay(TimeSpan.FromSeconds(2))) == text ? await text : "(unavailable)";
}
