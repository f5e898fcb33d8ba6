namespace SharedList.Bench.Measurement;

/// <summary>
/// The file system a path lives on, from <c>/proc/mounts</c>: an fsync on tmpfs costs nothing, so a durable
/// target's figures mean something only with the file system named beside them.
/// </summary>
public static class FileSystems
{
    /// <summary>The type of the file system holding <paramref name="path"/> (<c>ext4</c>, <c>tmpfs</c>…), or <c>unknown</c>.</summary>
    public static string TypeOf(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            return TypeIn(File.ReadLines("/proc/mounts"), Path.GetFullPath(path)) ?? "unknown";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    /// <summary>
    /// The type of the mount in <paramref name="mounts"/> (lines of <c>/proc/mounts</c>) with the longest mount
    /// point that holds <paramref name="fullPath"/>; null when none does.
    /// </summary>
    public static string? TypeIn(IEnumerable<string> mounts, string fullPath)
    {
        ArgumentNullException.ThrowIfNull(mounts);
        string? best = null;
        var bestLength = -1;
        foreach (var line in mounts)
        {
            var fields = line.Split(' ');
            if (fields.Length < 3)
            {
                continue;
            }

            // /proc/mounts escapes a space in a mount point as \040.
            var mountPoint = fields[1].Replace("\\040", " ", StringComparison.Ordinal);
            var holds = mountPoint == "/"
                || fullPath == mountPoint
                || fullPath.StartsWith(mountPoint.TrimEnd('/') + "/", StringComparison.Ordinal);
            if (holds && mountPoint.Length >= bestLength)
            {
                best = fields[2];
                bestLength = mountPoint.Length;
            }
        }

        return best;
    }
}
