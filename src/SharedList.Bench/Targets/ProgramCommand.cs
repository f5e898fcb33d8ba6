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
        var entry = Assembly.GetEntryAssembly()?.Location;
        var isHost = Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        return isHost && !string.IsNullOrEmpty(entry) ? new ProgramCommand(process, [entry]) : new ProgramCommand(process, []);
    }
}
