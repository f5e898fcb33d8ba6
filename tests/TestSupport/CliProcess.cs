using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Xunit;

namespace TestSupport;

/// <summary>
/// The real <c>sharedlist</c> program (or, for the compatibility tests, another program such as one of the
/// course's Python scripts) in a child process, with stdin, stdout and stderr redirected.
/// Always killed on dispose, so no test leaves a process behind.
/// </summary>
public sealed partial class CliProcess : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly Channel<string> _stdout = Channel.CreateUnbounded<string>();
    private readonly List<string> _stdoutSeen = [];
    private readonly Lock _stderrLock = new();
    private readonly List<string> _stderr = [];
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CliProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _stdout.Writer.TryComplete();
                _stdoutClosed.TrySetResult();
            }
            else
            {
                _stdout.Writer.TryWrite(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _stderrClosed.TrySetResult();
                return;
            }

            lock (_stderrLock)
            {
                _stderr.Add(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Where the built CLI is: in its own project's output, built in the same configuration as the tests.</summary>
    public static string CliPath { get; } = FindCli();

    public TextWriter StandardInput => _process.StandardInput;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string StandardError
    {
        get
        {
            lock (_stderrLock)
            {
                return string.Join('\n', _stderr);
            }
        }
    }

    public static CliProcess Start(params string[] arguments) => Start(environment: null, arguments);

    /// <summary>
    /// Starts <c>sharedlist</c> with extra environment variables. <c>SHAREDLIST_PASSWORD</c> is empty (no
    /// password) unless given, so a value set where the tests run cannot change what they see.
    /// </summary>
    public static CliProcess Start(IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var variables = new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["SHAREDLIST_PASSWORD"] = "" };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        return StartProgram("dotnet", [CliPath, .. arguments], variables);
    }

    /// <summary>Starts any program found on PATH, with extra environment variables.</summary>
    public static CliProcess StartProgram(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return new CliProcess(Process.Start(info) ?? throw new InvalidOperationException($"{fileName} did not start"));
    }

    /// <summary>Starts <c>serve</c> with the given options on port 0 and waits for its readiness line.</summary>
    public static Task<(CliProcess Process, IPEndPoint EndPoint)> StartServerAsync(params string[] options) => StartServerAsync(environment: null, options);

    /// <summary>Starts <c>serve</c> with extra environment variables on port 0 and waits for its readiness line.</summary>
    public static async Task<(CliProcess Process, IPEndPoint EndPoint)> StartServerAsync(IReadOnlyDictionary<string, string>? environment, params string[] options)
    {
        var process = Start(environment, ["serve", "--port", "0", .. options]);
        try
        {
            var line = await process.ReadLineAsync(DefaultTimeout);
            var match = ReadinessLine().Match(line ?? string.Empty);
            Assert.True(match.Success, $"expected the readiness line, got '{line}'; stderr: {process.StandardError}");
            var udp = options.Contains("--udp");
            Assert.Equal(udp, match.Groups["model"].Value.EndsWith(", udp", StringComparison.Ordinal));
            return (process, IPEndPoint.Parse(match.Groups["endpoint"].Value));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>The next stdout line, or null at end of output; throws <see cref="TimeoutException"/> when none comes in time.</summary>
    public async Task<string?> ReadLineAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            if (await _stdout.Reader.WaitToReadAsync(cts.Token) && _stdout.Reader.TryRead(out var line))
            {
                _stdoutSeen.Add(line);
                return line;
            }

            return null;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no output line within {timeout}; stdout so far: [{string.Join(" | ", _stdoutSeen)}]; stderr: {StandardError}");
        }
    }

    /// <summary>Every remaining stdout line, once the process closed its output.</summary>
    public async Task<IReadOnlyList<string>> ReadToEndAsync(TimeSpan timeout)
    {
        var lines = new List<string>();
        while (await ReadLineAsync(timeout) is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    /// <summary>
    /// Writes <paramref name="input"/> as the whole of stdin, closes it, and waits for the process to exit.
    /// </summary>
    public async Task<ProcessRun> RunToEndAsync(string input, TimeSpan timeout)
    {
        // One write, before the program can have read (let alone acted on) any of it: an EXIT in the input
        // cannot end the process while the test is still writing to its stdin.
        await StandardInput.WriteAsync(input);
        StandardInput.Close();

        var output = await ReadToEndAsync(timeout);
        var exitCode = await WaitForExitAsync(timeout);
        return new ProcessRun(exitCode, output, StandardError);
    }

    /// <summary>Waits for a stderr line containing <paramref name="text"/>.</summary>
    public async Task WaitForStandardErrorAsync(string text, TimeSpan timeout)
    {
        await Eventually.TrueAsync(() => StandardError.Contains(text, StringComparison.Ordinal), timeout, $"stderr to contain '{text}'");
    }

    /// <summary>Waits for the process to exit and its output to be read; returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"process did not exit within {timeout}; stderr: {StandardError}");
        }

        return _process.ExitCode;
    }

    public void Signal(int signal)
    {
        if (kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(new CancellationTokenSource(DefaultTimeout).Token);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    [GeneratedRegex(@"^listening on (?<endpoint>\S+) \((?<model>[^)]+)\)$")]
    private static partial Regex ReadinessLine();

    private static string FindCli()
    {
        // tests/<test project>/bin/<Configuration>/<tfm>/ → src/SharedList.Cli/bin/<Configuration>/<tfm>/sharedlist.dll
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = here.Name;
        var configuration = here.Parent!.Name;
        var root = here.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(root, "src", "SharedList.Cli", "bin", configuration, tfm, "sharedlist.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the solution first: the CLI was not found.", path);
    }
}
