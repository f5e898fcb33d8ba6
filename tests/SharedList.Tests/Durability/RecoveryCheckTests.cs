namespace SharedList.Tests.Durability;

/// <summary>The crash tests' check, on lists made up to break each rule it enforces.</summary>
public sealed class RecoveryCheckTests
{
    [Fact]
    public void A_recovered_list_with_every_acknowledged_item_and_the_one_in_flight_passes()
    {
        var check = CheckAfterOneRound(["a0", "a1", "a2"], ackedA: 2, ["b0", "b1"], ackedB: 2);

        var (lost, violations) = check.Check(["a0", "b0", "a1", "b1", "a2"]);

        Assert.Empty(lost);
        Assert.Empty(violations);
    }

    [Fact]
    public void Loss_phantoms_duplicates_and_reordering_are_each_reported()
    {
        var check = CheckAfterOneRound(["a0", "a1", "a2"], ackedA: 3, ["b0", "b1"], ackedB: 2);

        var (lost, violations) = check.Check(["a1", "a0", "b0", "b0", "x"]);

        Assert.Equal(["a2", "b1"], lost);
        Assert.Contains(violations, violation => violation.Contains("'a0' appears after 'a1'", StringComparison.Ordinal));
        Assert.Contains(violations, violation => violation.Contains("'b0' appears twice", StringComparison.Ordinal));
        Assert.Contains(violations, violation => violation.Contains("'x' was never sent", StringComparison.Ordinal));
    }

    [Fact]
    public void A_list_that_drops_or_changes_what_an_earlier_restart_served_is_reported()
    {
        var check = CheckAfterOneRound(["a0", "a1"], ackedA: 1, ["b0", "b1"], ackedB: 1);
        Assert.Empty(check.Check(["a0", "b0", "a1"]).Violations);

        // a1 was in flight: it may be there or not, but once served it stays.
        var (_, violations) = check.Check(["a0", "b0"]);

        Assert.Contains(violations, violation => violation.Contains("the list before this round is not kept", StringComparison.Ordinal));
    }

    private static RecoveryCheck CheckAfterOneRound(string[] sentByA, int ackedA, string[] sentByB, int ackedB)
    {
        var check = new RecoveryCheck();
        check.Add([History(0, sentByA, ackedA), History(1, sentByB, ackedB)]);
        return check;
    }

    private static ClientHistory History(int client, string[] sent, int acked)
    {
        var history = new ClientHistory(client);
        for (var i = 0; i < sent.Length; i++)
        {
            history.RecordSent(sent[i]);
            if (i < acked)
            {
                history.RecordReply(sent[i], "Ack");
            }
        }

        return history;
    }
}
