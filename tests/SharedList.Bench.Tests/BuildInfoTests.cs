using SharedList.Bench.Targets;

namespace SharedList.Bench.Tests;

/// <summary>Which build an assembly is, read from its metadata: what the bench records and warns about.</summary>
public sealed class BuildInfoTests
{
    [Fact]
    public void The_configuration_and_version_of_a_build_are_read_from_its_assembly()
    {
        var build = BuildInfo.Read(typeof(BuildInfo).Assembly.Location);

#if DEBUG
        Assert.Equal("Debug", build.Configuration);
        Assert.True(build.IsDebug);
#else
        Assert.Equal("Release", build.Configuration);
        Assert.False(build.IsDebug);
#endif
        Assert.StartsWith("0.9.0", build.Version, StringComparison.Ordinal);
        Assert.Equal($"sharedlist {build.Version} ({build.Configuration})", build.ToString());
    }

    [Fact]
    public void A_program_is_described_by_the_assembly_it_runs_or_the_one_beside_its_apphost()
    {
        var assembly = typeof(BuildInfo).Assembly.Location;
        var expected = BuildInfo.Read(assembly);

        Assert.Equal(expected, BuildInfo.Of(new ProgramCommand("dotnet", [assembly])));
        Assert.Equal(expected, BuildInfo.Of(new ProgramCommand(assembly[..^".dll".Length], [])));
    }

    [Fact]
    public void A_file_that_is_not_an_assembly_is_unknown_rather_than_an_error()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "not an assembly");

            var build = BuildInfo.Read(path);

            Assert.Equal(new BuildInfo("unknown", "unknown"), build);
            Assert.False(build.IsDebug);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
