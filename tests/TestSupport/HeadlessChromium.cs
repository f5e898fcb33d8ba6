using System.Diagnostics;

namespace TestSupport;

/// <summary>
/// Debian's <c>chromium</c> as a renderer: screenshots a page, or prints its DOM once its scripts ran, with no
/// profile of its own (a fresh <c>--user-data-dir</c> each time) and a time limit, after which the whole process
/// tree is killed.
/// </summary>
public static class HeadlessChromium
{
    /// <summary>Renders the local file <paramref name="html"/> in a window of the given size and returns the PNG's bytes.</summary>
    public static Task<byte[]> ScreenshotAsync(string chromium, string html, int width, int height, TimeSpan timeout) =>
        ScreenshotAsync(chromium, new Uri(html), width, height, timeout);

    /// <summary>
    /// Renders <paramref name="page"/> in a window of the given size, after <paramref name="virtualTime"/> of the
    /// page's own time (its timers and fetches) when given, and returns the PNG's bytes.
    /// </summary>
    public static async Task<byte[]> ScreenshotAsync(string chromium, Uri page, int width, int height, TimeSpan timeout, TimeSpan? virtualTime = null)
    {
        byte[]? png = null;
        await RunAsync(chromium, page, timeout, virtualTime, [$"--window-size={width},{height}"], "shot.png", file => png = File.ReadAllBytes(file));
        return png!;
    }

    /// <summary>Loads <paramref name="page"/>, lets it run for <paramref name="virtualTime"/> of its own time, and returns its DOM as HTML.</summary>
    public static Task<string> DumpDomAsync(string chromium, Uri page, TimeSpan timeout, TimeSpan virtualTime) =>
        RunAsync(chromium, page, timeout, virtualTime, ["--dump-dom"], output: null, read: null);

    private static async Task<string> RunAsync(string chromium, Uri page, TimeSpan timeout, TimeSpan? virtualTime, string[] mode, string? output, Action<string>? read)
    {
        var work = Directory.CreateTempSubdirectory("sharedlist-chromium-");
        try
        {
            var file = output is null ? null : Path.Combine(work.FullName, output);
            var start = new ProcessStartInfo(chromium)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            var arguments = new List<string>
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", $"--user-data-dir={Path.Combine(work.FullName, "profile")}",
            };
            arguments.AddRange(mode);
            if (file is not null)
            {
                arguments.Add($"--screenshot={file}");
            }

            if (virtualTime is { } budget)
            {
                arguments.Add($"--virtual-time-budget={(long)budget.TotalMilliseconds}");
            }

            arguments.Add(page.AbsoluteUri);
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start");
            var stdout = process.StandardOutput.ReadToEndAsync();
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

            if (file is not null)
            {
                if (!File.Exists(file))
                {
                    throw new InvalidOperationException($"chromium exited {process.ExitCode} without a screenshot; stdout: {await stdout}; stderr: {await error}");
                }

                read!(file);
            }

            return await stdout;
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
