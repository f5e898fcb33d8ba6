using System.Reflection;

namespace SharedList.Bench.Targets;

/// <summary>A program and the arguments it always takes first (<c>dotnet sharedlist.dll</c>, or the apphost alone).</summary>
/// <param name="FileName">The executable.</param>
/// <param name="Prefix">Arguments before the caller's.</param>
public sealed record ProgramCommand(string FileName, IReadOnlyList<string> Prefix)
{
    /// <summary>
    /// The program this process is: <see cref="Environment.ProcessPath"/>, plus the entry assembly when that is
    /// the <c>dotnet</c> host (<c>dotnet sharedlist.dll</c>), so a child runs exactly the same build.
    /// </summary>
    public static ProgramCommand Self()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this program is unknown.");
        // The entry assembly's file, from its name: Assembly.Location is empty in a single-file or native build,
        // which is never run by the dotnet host anyway.
        var entry = Assembly.GetEntryAssembly()?.GetName().Name is { } name ? Path.Combine(AppContext.BaseDirectory, name + ".dll") : null;
        var isHost = Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        return isHost && File.Exists(entry) ? new ProgramCommand(process, [entry]) : new ProgramCommand(process, []);
    }

    /// <summary>
    /// Another build of this program, for <c>bench --baseline</c>: its <c>sharedlist.dll</c> (run with the
    /// <c>dotnet</c> that runs this process, or the one on PATH), its apphost, or the folder that holds them.
    /// </summary>
    /// <exception cref="FileNotFoundException">No such build at <paramref name="path"/>.</exception>
    public static ProgramCommand Build(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            full = Path.Combine(full, "sharedlist.dll");
        }

        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"{path}: no sharedlist build there (give its sharedlist.dll, its apphost, or their folder)", full);
        }

        if (!full.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            return new ProgramCommand(full, []);
        }

        var process = Environment.ProcessPath;
        var host = process is not null && Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? process : "dotnet";
        return new ProgramCommand(host, [full]);
    }
}
