package org.galley.handler.slurm;

import java.nio.file.Path;

/** The slurm.conf of the {@link SlurmFixture}: one node, one partition, everything in {@code dir}. */
final class SlurmConf {
  private SlurmConf() {}

  static String text(Path dir, String host, int ctldPort, int slurmdPort, int cpus, int memoryMb) {
    return """
        ClusterName=galley
        SlurmctldHost=%2$s
        SlurmctldPort=%3$d
        SlurmdPort=%4$d
        SlurmUser=root
        SlurmdUser=root
        AuthType=auth/munge
        CredType=cred/munge
        AuthInfo=socket=%1$s/sock
        StateSaveLocation=%1$s/state
        SlurmdSpoolDir=%1$s/spool
        SlurmctldPidFile=%1$s/slurmctld.pid
        SlurmdPidFile=%1$s/slurmd.pid
        SlurmctldLogFile=%1$s/log/slurmctld.log
        SlurmdLogFile=%1$s/log/slurmd.log
        SlurmctldDebug=info
        SlurmdDebug=info
        ProctrackType=proctrack/linuxproc
        TaskPlugin=task/none
        MpiDefault=none
        SwitchType=switch/none
        JobAcctGatherType=jobacct_gather/linux
        # Memory is enforced by sampling every second: no cgroups here.
        JobAcctGatherParams=OverMemoryKill
        JobAcctGatherFrequency=task=1
        AccountingStorageType=accounting_storage/none
        JobCompType=jobcomp/none
        SelectType=select/cons_tres
        SelectTypeParameters=CR_Core_Memory
        SchedulerType=sched/backfill
        # Pending jobs get looked at every few seconds, not every minute.
        SchedulerParameters=sched_interval=2,bf_interval=2,sched_min_interval=100000
        # Finished jobs stay in squeue for an hour, so tests see every submission end.
        MinJobAge=3600
        MaxJobCount=20000
        MessageTimeout=5
        SlurmctldTimeout=30
        SlurmdTimeout=60
        InactiveLimit=0
        KillWait=5
        ReturnToService=2
        NodeName=%2$s CPUs=%5$d RealMemory=%6$d State=UNKNOWN
        PartitionName=main Nodes=%2$s Default=YES MaxTime=INFINITE State=UP
        """.formatted(dir, host, ctldPort, slurmdPort, cpus, memoryMb);
  }
}
