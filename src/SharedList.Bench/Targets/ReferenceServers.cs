using System.Diagnostics;
using System.Security.Cryptography;
using SharedList.Bench.Measurement;

namespace SharedList.Bench.Targets;

/// <summary>
/// The reference servers of <c>--spawn</c>, carried inside this assembly (from bench/ceiling and bench/python):
/// <c>ceiling</c>, built with the machine's <c>gcc -O2</c>, and the lab's two Python servers, run by
/// <c>python3</c>. Each is written into a cache directory under a name that holds the hash of its source, so an
/// unchanged source is built once per machine and an edited one is rebuilt.
/// </summary>
public static class ReferenceServers
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(120);

    /// <summary>The file name and bytes of the source shipped for <paramref name="kind"/>, one of <see cref="SpawnKind.References"/>.</summary>
    public static (string FileName, byte[] Content) Source(string kind)
    {
        var fileName = kind switch
        {
            SpawnKind.Ceiling => "ceiling.c",
            SpawnKind.PythonSelect => "select_server.py",
            SpawnKind.PythonThreading => "threading_server.py",
            _ => throw new ArgumentException($"'{kind}' is not a reference server", nameof(kind)),
        };
        var assembly = typeof(ReferenceServers).Assembly;
        using var stream = assembly.GetManifestResourceStream($"SharedList.Bench.Targets.{fileName}")
            ?? throw new InvalidOperationException($"{fileName} is missing from {assembly.GetName().Name}");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return (fileName, memory.ToArray());
    }

    /// <summary>
    /// Where built servers and scripts are kept: <c>$XDG_CACHE_HOME/sharedlist/bench</c> (by default
    /// <c>~/.cache/sharedlist/bench</c>), or a directory under the temp directory when that cannot be created.
    /// </summary>
    public static string CacheDirectory()
    {
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(cache) || !Path.IsPathRooted(cache))
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            cache = string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".cache");
        }

        if (cache is not null)
        {
            try
            {
                return Directory.CreateDirectory(Path.Combine(cache, "sharedlist", "bench")).FullName;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A read-only or missing home: the temp directory below will do.
            }
        }

        return Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"sharedlist-bench-{Environment.UserName}")).FullName;
    }

    /// <summary>
    /// Makes <paramref name="kind"/> ready to start and returns the command that starts it, to which the bench
    /// appends the port. Null, after telling <paramref name="note"/> why, when the machine lacks what it needs
    /// (gcc, python3). Throws <see cref="InvalidOperationException"/> when the build fails.
    /// </summary>
    public static async Task<ProgramCommand?> PrepareAsync(string kind, Action<string> note, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(note);
        var (fileName, content) = Source(kind);
        var directory = CacheDirectory();
        var stem = $"{Path.GetFileNameWithoutExtension(fileName)}-{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}";
        if (kind == SpawnKind.Ceiling)
        {
            var binary = Path.Combine(directory, stem);
            if (File.Exists(binary))
            {
                // Built before from this very source: gcc is not needed again.
                return new ProgramCommand(binary, []);
            }

            var gcc = CpuAffinity.FindOnPath("gcc");
            if (gcc is null)
            {
                note("ceiling: skipped, gcc is not installed (apt-get install gcc)");
                return null;
            }

            var source = Path.Combine(directory, stem + ".c");
            WriteAtomically(source, content);

            // Built under a name of its own and renamed into place: a run that starts meanwhile never finds half a binary.
            var building = $"{binary}.{Guid.NewGuid():N}.tmp";
            var (exitCode, output) = await RunToolAsync(gcc, ["-O2", "-o", building, source], cancellationToken).ConfigureAwait(false);
            if (exitCode != 0 || !File.Exists(building))
            {
                File.Delete(building);
                throw new InvalidOperationException($"ceiling: gcc -O2 {source} failed (exit {exitCode}): {output}");
            }

            File.Move(building, binary, overwrite: true);
            return new ProgramCommand(binary, []);
        }

        var python = CpuAffinity.FindOnPath("python3");
        if (python is null)
        {
            note($"{kind}: skipped, python3 is not installed (apt-get install python3)");
            return null;
        }

        var script = Path.Combine(directory, stem + ".py");
        if (!File.Exists(script))
        {
            WriteAtomically(script, content);
        }

        return new ProgramCommand(await InterpreterAsync(python, cancellationToken).ConfigureAwait(false), [script]);
    }

    /// <summary>
    /// The interpreter python3 on PATH stands for. A version manager's shim (pyenv) is a shell script that
    /// starts it: started directly, the interpreter is what taskset pins and whose CPU time /proc reports.
    /// </summary>
    private static async Task<string> InterpreterAsync(string python, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await RunToolAsync(python, ["-c", "import sys; print(sys.executable)"], cancellationToken).ConfigureAwait(false);
        var executable = output.Trim();
        return exitCode == 0 && Path.IsPathRooted(executable) && File.Exists(executable) ? executable : python;
    }

    private static void WriteAtomically(string path, byte[] content)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Runs a tool to its end, killed past <see cref="ToolTimeout"/>; its exit code and output (stdout, then stderr).</summary>
    private static async Task<(int ExitCode, string Output)> RunToolAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ToolTimeout);
        try
        {
            // Both pipes are drained together, so a chatty stderr cannot block the tool.
            var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
            var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            return (process.ExitCode, (await stdout.ConfigureAwait(false)) + (await stderr.ConfigureAwait(false)));
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new InvalidOperationException($"{program} did not finish within {ToolTimeout.TotalSeconds} s");
        }
    }
}
