using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace SharedList.Bench.Targets;

/// <summary>
/// Which build of sharedlist a program is: its configuration (Release or Debug) and its version, which carries the
/// commit it was built from. Read from the assembly's metadata without loading it, so any build can be described.
/// </summary>
/// <param name="Configuration">What the build was made with: <c>Release</c>, <c>Debug</c>, or <c>unknown</c>.</param>
/// <param name="Version">The informational version, <c>0.9.0+COMMIT</c> when built from a git checkout.</param>
public sealed record BuildInfo(string Configuration, string Version)
{
    /// <summary>A Debug build: unoptimized, so its figures say little about the server.</summary>
    public bool IsDebug => Configuration.Equals("Debug", StringComparison.OrdinalIgnoreCase);

    /// <summary>The build <paramref name="program"/> runs: the assembly it names (<c>dotnet sharedlist.dll</c>), or the one beside its apphost.</summary>
    public static BuildInfo Of(ProgramCommand program)
    {
        ArgumentNullException.ThrowIfNull(program);
        // Beside an apphost "sharedlist" (or "sharedlist.exe") is "sharedlist.dll".
        var host = program.FileName.EndsWith(".exe", StringComparison.OrdinalIgnoreCase) ? program.FileName[..^4] : program.FileName;
        var assembly = program.Prefix.FirstOrDefault(a => a.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)) ?? host + ".dll";
        return Read(assembly);
    }

    /// <summary>The build of the assembly at <paramref name="path"/>; <c>unknown</c> parts when it cannot be read.</summary>
    public static BuildInfo Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string? configuration = null;
        string? version = null;
        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            var metadata = pe.GetMetadataReader();
            foreach (var handle in metadata.GetAssemblyDefinition().GetCustomAttributes())
            {
                var attribute = metadata.GetCustomAttribute(handle);
                switch (AttributeName(metadata, attribute))
                {
                    case "AssemblyConfigurationAttribute":
                        configuration = StringArgument(metadata, attribute);
                        break;
                    case "AssemblyInformationalVersionAttribute":
                        version = StringArgument(metadata, attribute);
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadImageFormatException or InvalidOperationException)
        {
            // Not a .NET assembly we can read: say so in the report rather than fail the run.
        }

        return new BuildInfo(string.IsNullOrEmpty(configuration) ? "unknown" : configuration, string.IsNullOrEmpty(version) ? "unknown" : version);
    }

    /// <inheritdoc />
    public override string ToString() => $"sharedlist {Version} ({Configuration})";

    private static string? AttributeName(MetadataReader metadata, CustomAttribute attribute)
    {
        if (attribute.Constructor.Kind == HandleKind.MemberReference)
        {
            var constructor = metadata.GetMemberReference((MemberReferenceHandle)attribute.Constructor);
            return constructor.Parent.Kind == HandleKind.TypeReference
                ? metadata.GetString(metadata.GetTypeReference((TypeReferenceHandle)constructor.Parent).Name)
                : null;
        }

        return null;
    }

    // A custom attribute's blob: the prolog 0x0001, then the constructor's arguments; ours take one string.
    private static string? StringArgument(MetadataReader metadata, CustomAttribute attribute)
    {
        var blob = metadata.GetBlobReader(attribute.Value);
        return blob.Length >= 2 && blob.ReadUInt16() == 1 ? blob.ReadSerializedString() : null;
    }
}
