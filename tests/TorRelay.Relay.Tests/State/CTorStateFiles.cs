namespace TorRelay.Relay.Tests.State;

/// <summary>State files in C tor 0.4.9's exact format.</summary>
internal static class CTorStateFiles
{
    /// <summary>
    /// Written by Debian's tor 0.4.9.11 two seconds after it first started as a relay (TestingTorNetwork, authorities
    /// on closed 127.0.0.1 ports): one current period per array, nothing transferred yet.
    /// </summary>
    public const string Fresh = """
        # Tor state file last generated on 2026-11-22 18:57:30 local time
        # Other times below are in UTC
        # You *do not* need to edit this file.

        BWHistoryDirReadEnds 2026-11-23 18:57:28
        BWHistoryDirReadInterval 86400
        BWHistoryDirReadMaxima 0
        BWHistoryDirReadValues 0
        BWHistoryDirWriteEnds 2026-11-23 18:57:28
        BWHistoryDirWriteInterval 86400
        BWHistoryDirWriteMaxima 0
        BWHistoryDirWriteValues 0
        BWHistoryIPv6ReadEnds 2026-11-23 18:57:28
        BWHistoryIPv6ReadInterval 86400
        BWHistoryIPv6ReadMaxima 0
        BWHistoryIPv6ReadValues 0
        BWHistoryIPv6WriteEnds 2026-11-23 18:57:28
        BWHistoryIPv6WriteInterval 86400
        BWHistoryIPv6WriteMaxima 0
        BWHistoryIPv6WriteValues 0
        BWHistoryReadEnds 2026-11-23 18:57:28
        BWHistoryReadInterval 86400
        BWHistoryReadMaxima 0
        BWHistoryReadValues 0
        BWHistoryWriteEnds 2026-11-23 18:57:28
        BWHistoryWriteInterval 86400
        BWHistoryWriteMaxima 0
        BWHistoryWriteValues 0
        Dormant 0
        LastRotatedOnionKey 2026-11-22 18:57:28
        LastWritten 2026-11-22 18:57:30
        TorVersion Tor 0.4.9.11

        """;

    /// <summary>
    /// The same layout after two full days and half of a third (saved 2030-01-06 12:00:00): Values are the period
    /// totals, Maxima the largest 10-second sums / 10, both rounded down to 1024, the last entry being the current
    /// period (bwhist_update_bwhist_state_section). Write carries twice the read traffic; other arrays are idle.
    /// </summary>
    public const string ThreeDays = """
        # Tor state file last generated on 2030-01-06 13:00:00 local time
        # Other times below are in UTC
        # You *do not* need to edit this file.

        BWHistoryDirReadEnds 2030-01-07 00:00:00
        BWHistoryDirReadInterval 86400
        BWHistoryDirReadMaxima 0,0,0
        BWHistoryDirReadValues 0,0,0
        BWHistoryReadEnds 2030-01-07 00:00:00
        BWHistoryReadInterval 86400
        BWHistoryReadMaxima 51200,102400,20480
        BWHistoryReadValues 176947200,353894400,44236800
        BWHistoryWriteEnds 2030-01-07 00:00:00
        BWHistoryWriteInterval 86400
        BWHistoryWriteMaxima 102400,204800,40960
        BWHistoryWriteValues 353894400,707788800,88473600
        Dormant 0
        Guard in=default rsa_id=0A0B0C0D0E0F10111213141516171819202122 nickname=g1 sampled_on=2030-01-01T00:00:00 listed=1
        LastRotatedOnionKey 2030-01-05 10:00:00
        LastWritten 2030-01-06 12:00:00
        TorVersion Tor 0.4.9.11

        """;
}
