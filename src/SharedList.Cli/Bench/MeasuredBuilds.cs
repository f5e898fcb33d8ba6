using SharedList.Bench.Targets;

namespace SharedList.Cli.Bench;

/// <summary>
/// Which builds a run measures, said in its notes (the JSON and the report) and under its table, and a warning on
/// stderr for a Debug build: unoptimized, it makes both the servers and the load tool slower than a release's.
/// </summary>
internal sealed record MeasuredBuilds(IReadOnlyList<string> Notes, string Caption)
{
    public static MeasuredBuilds Describe(ProgramCommand? baseline)
    {
        var self = BuildInfo.Of(ProgramCommand.Self());
        WarnIfDebug(self, "this sharedlist");
        if (baseline is null)
        {
            return new MeasuredBuilds([$"build: {self}"], $"build: {self}");
        }

        var other = BuildInfo.Of(baseline);
        WarnIfDebug(other, "the --baseline build");
        if (self.IsDebug != other.IsDebug)
        {
            Console.Error.WriteLine($"warning: the builds compared differ in configuration ({self.Configuration} against {other.Configuration}): the ratios measure that, not the code");
        }

        return new MeasuredBuilds([$"build: {self}", $"baseline build: {other}"], $"build: {self} · baseline: {other}");
    }

    private static void WarnIfDebug(BuildInfo build, string which)
    {
        if (build.IsDebug)
        {
            Console.Error.WriteLine($"warning: {which} is a Debug build ({build}): its figures are far from a release's; build with `dotnet build -c Release` and run src/SharedList.Cli/bin/Release/net10.0/sharedlist.dll");
        }
    }
}
