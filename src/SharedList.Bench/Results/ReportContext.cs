using System.Runtime.InteropServices;

namespace SharedList.Bench.Results;

/// <summary>What the HTML report says about the run besides its numbers: the parameters, the machine, the date.</summary>
public sealed record ReportContext(
    IReadOnlyList<KeyValuePair<string, string>> Parameters,
    int Cores,
    string OperatingSystem,
    string Runtime,
    DateTimeOffset Date)
{
    /// <summary>The context of a run with these parameters on this machine, now.</summary>
    public static ReportContext ThisMachine(IReadOnlyList<KeyValuePair<string, string>> parameters) =>
        new(parameters, Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, DateTimeOffset.Now);
}
