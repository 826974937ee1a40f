



echo hello from rv6
ls
cat README | wc
echo saved > note; cat note
cat < note | grep sav
crash
echo after the crash
crash hang &
ps
kill crash
echo killed the spinner
kill crash
usertests
benchfs
halt
