-- How many times a package's lease ran out: its worker died, was killed or hung while delivering
-- it, and the package was handed out again. A package that keeps taking its workers down (a crash
-- loop) is dead-lettered once this reaches messagecenter.coordinator.max-lost, instead of being
-- handed out forever; an operator's retry of the dead letter starts it again from zero.
alter table packages add column lost integer not null default 0;
